import { type RouteId, type RouteSpec, routes } from '../src/contract/routes.js';
import { fixtures, newUser } from './factories.js';
import type { TestStack } from './stack.js';

/** One request per route that this project's contract accepts, over objects made through the target. */
export type ValidRequest = { params?: Record<string, string>; query?: Record<string, unknown>; body?: Record<string, unknown> };

/**
 * Makes a user, a topic, an entry and a chat session through the target (so ids are the target's own) and
 * answers a valid request for any route: the base the hostile corpus varies one field of, and the request
 * the behaviour-level route table sends. Call in beforeAll; routes a target does not offer are never asked for.
 */
export async function validRequests(stack: TestStack): Promise<(route: RouteId) => ValidRequest> {
  const user_id = (await newUser(stack.api)).got.id;
  const topic = await stack.api.ok('createTopic', { body: { user_id, name: `corpus ${fixtures().topicName()}` } }, 201);
  const entry = await stack.api.ok('createEntry', { body: { user_id, title: 't', content: fixtures().entryText() } }, 201);
  const sid = (await stack.api.ok('chatMessage', { body: { user_id, message: 'hello' } })).session_id;
  const fixed: Partial<Record<RouteId, ValidRequest>> = {
    getUser: { params: { id: user_id } },
    listTopics: { query: { user_id } },
    getTopic: { params: { id: topic.id }, query: { user_id } },
    // Deletes name the shared objects: a caller that means to delete sends them last (or makes its own).
    deleteTopic: { params: { id: topic.id }, query: { user_id } },
    createEntry: {
      body: { user_id, title: 't', content: 'valid content', entry_type: 'journal', tags: [], created_at: '2026-01-01T00:00:00Z' },
    },
    listEntries: { query: { user_id, skip: 0, limit: 10, topic_id: topic.id, date_from: '2026-01-01', date_to: '2026-02-01' } },
    moodAnalytics: { query: { user_id, days: 30, tz: 'UTC' } },
    writingAnalytics: { query: { user_id, days: 30, tz: 'UTC' } },
    getEntry: { params: { id: entry.id }, query: { user_id } },
    deleteEntry: { params: { id: entry.id }, query: { user_id } },
    updateEntry: { params: { id: entry.id }, query: { user_id }, body: { title: 'new', is_favorite: true } },
    chatMessage: { body: { user_id, session_id: sid, message: 'hi', context_metadata: { theme: 'work' } } },
    conversations: { query: { user_id, limit: 5 } },
    history: { params: { session_id: sid }, query: { user_id, limit: 5 } },
    startConversation: { body: { user_id, conversation_mode: 'goal_setting', initial_context: { a: 1 } } },
    endConversation: { params: { session_id: sid }, query: { user_id } },
    chatStats: { query: { user_id } },
    createSession: { body: { user_id, session_type: 'free_chat', title: 't', description: 'd', tags: [], metadata: {} } },
    listSessions: { query: { user_id, limit: 5, theme: 'work', date_from: '2026-01-01' } },
    getSession: { params: { id: sid }, query: { user_id } },
    deleteSession: { params: { id: sid }, query: { user_id } },
    sessionMessages: { params: { id: sid }, query: { user_id, limit: 5 } },
    postSessionMessage: { params: { id: sid }, body: { user_id, content: 'more', role: 'user' } },
    exportSession: { params: { id: sid }, query: { user_id, format: 'json' } },
  };
  return (route) => {
    // Usernames are unique: every accepted createUser needs its own.
    if (route === 'createUser') return { body: { ...fixtures().user(), language: 'en' } };
    // Topics are idempotent per name: an accepted field is only echoed by a topic of a new name.
    if (route === 'createTopic')
      return { body: { user_id, name: fixtures().topicName(), description: 'd', color: '#112233', tags: ['a'] } };
    const b = fixed[route];
    if (b) return b;
    // A route that takes no input at all is valid as it is.
    const spec = routes[route] as RouteSpec;
    if (!spec.params && !spec.querystring && !spec.body) return {};
    throw new Error(`no valid request for ${route}`);
  };
}
