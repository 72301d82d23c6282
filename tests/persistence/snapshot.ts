import { fixtures, newUser } from '../../helpers/factories.js';
import type { TestStack } from '../../helpers/stack.js';
import { SESSION_TYPES } from '../../src/contract/enums.js';

/** Populates one user with topics, dated entries and chat sessions of every type, through the API. */
export async function populate(stack: TestStack) {
  const f = fixtures();
  const { got: u } = await newUser(stack.api, { timezone: f.pick(['UTC', 'Europe/Berlin', 'America/Los_Angeles']) });
  const topics = [];
  for (let i = 0; i < 3; i++) topics.push(await stack.api.ok('createTopic', { body: { user_id: u.id, name: f.topicName() } }));
  for (let i = 0; i < 6; i++) {
    const lang = f.pick(['en', 'de'] as const);
    const at = new Date(Date.now() - f.int(0, 60) * 86_400_000 - f.int(0, 80_000) * 1000);
    await stack.api.ok(
      'createEntry',
      { body: { user_id: u.id, ...f.entry(lang), topic_id: f.pick(topics).id, created_at: at.toISOString() } },
      201,
    );
  }
  for (const type of SESSION_TYPES) {
    const lang = f.pick(['en', 'de'] as const);
    let sessionId: string | undefined;
    for (const [i, turn] of f.turns(lang, f.int(1, 3)).entries()) {
      const at = new Date(Date.now() - 3 * 86_400_000 + i * 60_000).toISOString();
      const r = await stack.api.ok('chatMessage', {
        body: {
          user_id: u.id,
          session_id: sessionId,
          message: turn,
          session_type: type,
          context_metadata: { theme: 'persistence', language: lang, timestamp: at },
        },
      });
      sessionId = r.session_id;
    }
  }
  return u;
}

/** Everything a user can read back, through the API; equal snapshots mean nothing changed. */
export async function snapshot(stack: TestStack, userId: string) {
  const q = { user_id: userId };
  const entries = await stack.api.ok('listEntries', { query: { ...q, limit: 1000 } });
  const topics = await stack.api.ok('listTopics', { query: q });
  const sessions = await stack.api.ok('listSessions', { query: { ...q, limit: 100 } });
  const conversations = await stack.api.ok('conversations', { query: q });
  const histories = [];
  for (const s of sessions) {
    const h = await stack.api.ok('history', { params: { session_id: s.id }, query: { ...q, limit: 1000 } });
    const messages = await stack.api.ok('sessionMessages', { params: { id: s.id }, query: q });
    histories.push({ messages: h.messages, message_count: h.message_count, sessionMessages: messages });
  }
  const { generated_at: _a, ...mood } = await stack.api.ok('moodAnalytics', { query: { ...q, days: 365 } });
  const { generated_at: _b, ...writing } = await stack.api.ok('writingAnalytics', { query: { ...q, days: 365 } });
  const { timestamp: _c, ...stats } = await stack.api.ok('chatStats', { query: q });
  const { retrieved_at: _d, ...convs } = conversations;
  return { entries, topics, sessions, convs, histories, mood, writing, stats };
}
