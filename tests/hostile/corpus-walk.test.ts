import { fixtures, newUser } from '../../helpers/factories.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawInput } from '../../helpers/api.js';
import { useStack } from '../../helpers/stack.js';
import { routeList, type RouteId, type RouteSpec } from '../../src/contract/routes.js';
import { casesFor, sample, slotsOf, type FieldSlot, type HostileCase } from './corpus.js';

// The hostile-input corpus walked over every field of every route that takes input: never a 5xx (the
// client fails on one), every refusal a 4xx in the envelope naming the field, nothing accepted altered.
// Bounded: per field a seeded sample of the cases that apply to it (the run's seed replays it).
const stack = useStack();
const PER_FIELD = 3;
const ZONE = 'America/Argentina/ComodRivadavia';

type Base = { params?: Record<string, string>; query?: Record<string, unknown>; body?: Record<string, unknown> };
let base: (route: RouteId) => Promise<Base>;
let canonicalZone = '';

beforeAll(async () => {
  const user_id = (await newUser(stack.api)).got.id;
  canonicalZone = (await stack.api.ok('createUser', { body: { ...fixtures().user(), timezone: ZONE } }, 201)).timezone;
  const topic = await stack.api.ok('createTopic', { body: { user_id, name: 'corpus' } }, 201);
  const entry = await stack.api.ok('createEntry', { body: { user_id, title: 't', content: fixtures().entryText() } }, 201);
  const sid = (await stack.api.ok('chatMessage', { body: { user_id, message: 'hello' } })).session_id;
  const fixed: Partial<Record<RouteId, Base>> = {
    getUser: { params: { id: user_id } },
    listTopics: { query: { user_id } },
    getTopic: { params: { id: topic.id }, query: { user_id } },
    deleteTopic: { params: { id: topic.id }, query: { user_id } },
    createEntry: {
      body: { user_id, title: 't', content: 'valid content', entry_type: 'journal', tags: [], created_at: '2026-01-01T00:00:00Z' },
    },
    listEntries: { query: { user_id, skip: 0, limit: 10, topic_id: topic.id, date_from: '2026-01-01', date_to: '2026-02-01' } },
    moodAnalytics: { query: { user_id, days: 30, tz: 'UTC' } },
    writingAnalytics: { query: { user_id, days: 30, tz: 'UTC' } },
    getEntry: { params: { id: entry.id }, query: { user_id } },
    updateEntry: { params: { id: entry.id }, query: { user_id }, body: { title: 'new', is_favorite: true } },
    deleteEntry: { params: { id: entry.id }, query: { user_id } },
    chatMessage: { body: { user_id, session_id: sid, message: 'hi', context_metadata: { theme: 'work' } } },
    conversations: { query: { user_id, limit: 5 } },
    history: { params: { session_id: sid }, query: { user_id, limit: 5 } },
    startConversation: { body: { user_id, conversation_mode: 'goal_setting', initial_context: { a: 1 } } },
    endConversation: { params: { session_id: sid }, query: { user_id } },
    chatStats: { query: { user_id } },
    createSession: { body: { user_id, session_type: 'free_chat', title: 't', description: 'd', tags: [], metadata: {} } },
    listSessions: { query: { user_id, limit: 5, theme: 'work', date_from: '2026-01-01' } },
    getSession: { params: { id: sid }, query: { user_id } },
    sessionMessages: { params: { id: sid }, query: { user_id, limit: 5 } },
    postSessionMessage: { params: { id: sid }, body: { user_id, content: 'more', role: 'user' } },
    deleteSession: { params: { id: sid }, query: { user_id } },
    exportSession: { params: { id: sid }, query: { user_id, format: 'json' } },
  };
  base = async (route) => {
    // Usernames are unique: every accepted createUser needs its own.
    if (route === 'createUser') return { body: { ...fixtures().user(), language: 'en' } };
    // Topics are idempotent per name: an accepted field is only echoed by a topic of a new name.
    if (route === 'createTopic')
      return { body: { user_id, name: fixtures().topicName(), description: 'd', color: '#112233', tags: ['a'] } };
    const b = fixed[route];
    if (!b) throw new Error(`no base request for ${route}`);
    return b;
  };
});

const PLACEHOLDER = '"\u2063hostile\u2063"';

function request(b: Base, slot: FieldSlot, c: HostileCase): RawInput {
  const input: RawInput = { params: { ...b.params }, query: { ...b.query } };
  if (slot.where === 'params') input.params![slot.field] = c.value as string;
  if (slot.where === 'query') input.query![slot.field] = c.value;
  if (slot.where !== 'body') return { ...input, ...(b.body && { body: b.body }) };
  if (c.raw) {
    return {
      ...input,
      rawBody: JSON.stringify({ ...b.body, [slot.field]: JSON.parse(PLACEHOLDER) }).replace(PLACEHOLDER, c.value as string),
    };
  }
  return { ...input, body: { ...b.body, [slot.field]: c.value } };
}

const names = (paths: string[], field: string) => paths.some((p) => p === field || p.startsWith(`${field}.`));

const walked = routeList.filter((r) => r.params || r.querystring || r.body);

describe('the hostile-input corpus on every route', { meta: { level: 'strict' } }, () => {
  it('every route that takes input has a base request and at least one field with cases', async () => {
    for (const r of walked) {
      expect(await base(r.operationId as RouteId), r.operationId).toBeDefined();
      expect(
        slotsOf(r).some((s) => casesFor(s, ZONE).length > 0),
        r.operationId,
      ).toBe(true);
    }
  });

  for (const spec of walked as RouteSpec[]) {
    it(`${spec.method} ${spec.path}`, async () => {
      const id = spec.operationId as RouteId;
      const seed = stack.info.seed;
      let sent = 0;
      for (const [i, slot] of slotsOf(spec).entries()) {
        for (const c of sample(casesFor(slot, ZONE), PER_FIELD, seed + i)) {
          const what = `${id} ${slot.where}.${slot.field} ← ${c.kind} (seed ${seed})`;
          // A 5xx or a body outside the envelope fails inside the client, naming the route.
          const out = await stack.api.call(id, request(await base(id), slot, c));
          sent++;
          if (!out.ok) {
            expect(c.expect, `${what}: refused ${out.status} ${JSON.stringify(out.body)}`).not.toBe('accept');
            expect(out.status, what).toBeGreaterThanOrEqual(400);
            expect(out.status, what).toBeLessThan(500);
            expect(
              names(
                out.body.details.map((d) => d.path),
                slot.field,
              ),
              `${what}: ${JSON.stringify(out.body)}`,
            ).toBe(true);
            continue;
          }
          expect(c.expect, `${what}: accepted ${out.status}`).not.toBe('refuse');
          const answer = out.body as Record<string, unknown>;
          if (slot.kind === 'zone') expect(answer.timezone, what).toBe(canonicalZone);
          else if (slot.where === 'body' && !c.raw && answer && typeof answer === 'object' && slot.field in answer) {
            // Stored and answered exactly as sent.
            expect(answer[slot.field], what).toEqual(c.value);
          }
        }
      }
      expect(sent).toBeGreaterThan(0);
    });
  }
});
