import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { parseReply } from '../../helpers/api.js';
import { expectedErrors } from '../../helpers/errors.js';
import { fixtures, newChatTurn, newEntry, newSession, newTopic, newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';
import { DEV_USER_ID, MOOD_TYPES } from '../../src/contract/enums.js';
import { buildOpenApiDocument, SERVICE_VERSION } from '../../src/contract/openapi.js';
import { type RouteId, type RouteSpec, routes } from '../../src/contract/routes.js';
import { type ValidRequest, validRequests } from '../../helpers/valid-requests.js';

const stack = useStack();
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * One valid request per route of the table, answered with its documented success status and shape (the
 * client parses every answer with the route's schema). One `it` per route, so the first failure does not
 * hide the rest; the mapped type makes a route added to the table without a case here a type error.
 */
const routeChecks: { [K in RouteId]: () => Promise<void> } = {
  liveness: async () => {
    expect(await stack.api.ok('liveness', {}, 200)).toEqual({ status: 'ok' });
  },
  readiness: async () => {
    expect(await stack.api.ok('readiness', {}, 200)).toMatchObject({
      status: 'healthy',
      components: { database: { status: 'up' }, llm: { status: 'up' } },
      version: SERVICE_VERSION,
    });
  },
  openapi: async () => {
    const first = await stack.api.call('openapi');
    expect(first).toMatchObject({ ok: true, status: 200, headers: { 'content-type': JSON_TYPE } });
    expect(first.body).toEqual(buildOpenApiDocument());
    expect((await stack.api.call('openapi')).body).toEqual(first.body);
  },
  createUser: async () => {
    const id = randomUUID();
    const sent = { ...fixtures().user({ timezone: 'Europe/Berlin', language: 'de' }), id };
    expect(await stack.api.ok('createUser', { body: sent }, 201)).toEqual({ ...sent, created_at: expect.any(String) });
    expect(await stack.api.fail('createUser', { body: { id, username: 'again' } }, 409)).toEqual(expectedErrors.userExists(id));
  },
  getUser: async () => {
    const { got: u } = await newUser(stack.api);
    expect(await stack.api.ok('getUser', { params: { id: u.id } })).toEqual(u);
    const missing = randomUUID();
    expect(await stack.api.fail('getUser', { params: { id: missing } }, 404)).toEqual(expectedErrors.userNotFound(missing, 'id'));
    // Regression 1: the development user exists because the migration seeds it, not because a write made it.
    expect((await stack.api.ok('getUser', { params: { id: DEV_USER_ID } })).id).toBe(DEV_USER_ID);
  },
  createTopic: async () => {
    const { got: u } = await newUser(stack.api);
    const name = fixtures().topicName();
    const first = await stack.api.call('createTopic', { body: { user_id: u.id, name } });
    const again = await stack.api.call('createTopic', { body: { user_id: u.id, name } });
    // Regression 7 and 26: 201 for a new name, 200 with the same topic for a known one.
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(first.body).toMatchObject({ user_id: u.id, name, color: '#3B82F6', entry_count: 0, last_entry_date: null });
  },
  listTopics: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: t } = await newTopic(stack.api, u);
    expect(await stack.api.ok('listTopics', { query: { user_id: u.id } })).toEqual([t]);
  },
  getTopic: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: t } = await newTopic(stack.api, u);
    expect(await stack.api.ok('getTopic', { params: { id: t.id }, query: { user_id: u.id } })).toEqual(t);
    await newEntry(stack.api, u, { topic_id: t.id, created_at: '2026-01-15T08:30:00Z' });
    expect(await stack.api.ok('getTopic', { params: { id: t.id }, query: { user_id: u.id } })).toMatchObject({
      entry_count: 1,
      last_entry_date: '2026-01-15T08:30:00.000Z',
    });
  },
  deleteTopic: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: t } = await newTopic(stack.api, u);
    expect(await stack.api.call('deleteTopic', { params: { id: t.id }, query: { user_id: u.id } })).toMatchObject({
      ok: true,
      status: 204,
    });
    expect(await stack.api.ok('listTopics', { query: { user_id: u.id } })).toEqual([]);
    expect(await stack.api.fail('getTopic', { params: { id: t.id }, query: { user_id: u.id } }, 404)).toEqual(
      expectedErrors.topicNotFound(t.id),
    );
  },
  createEntry: async () => {
    const { got: u } = await newUser(stack.api);
    // Regression 8: a naive timestamp is read as UTC; an offset is honoured.
    const naive = await newEntry(stack.api, u, { created_at: '2026-02-01T10:00:00' });
    const offset = await newEntry(stack.api, u, { created_at: '2026-03-01T10:00:00+01:00', language: 'de' });
    expect(naive.got).toMatchObject({ user_id: u.id, title: naive.sent.title, content: naive.sent.content, version: 1 });
    expect(naive.got.created_at).toBe('2026-02-01T10:00:00.000Z');
    expect(offset.got.created_at).toBe('2026-03-01T09:00:00.000Z');
    // Regression 28: German is analysed as German.
    expect(offset.got.emotion_analysis?.language).toBe('de');
    expect(naive.got.word_count).toBe(naive.sent.content.trim().split(/\s+/).length);
    expect(naive.got.reading_time_minutes).toBe(Math.max(1, Math.floor(naive.got.word_count / 200)));
    // The Idempotency-Key reaches the service: a retry replays the entry instead of adding one.
    const keyed = { body: { ...naive.sent, created_at: undefined }, idempotencyKey: randomUUID() };
    const once = await stack.api.ok('createEntry', keyed, 201);
    expect(await stack.api.ok('createEntry', keyed, 201)).toEqual(once);
    expect(await stack.api.ok('listEntries', { query: { user_id: u.id } })).toHaveLength(3);
  },
  listEntries: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: older } = await newEntry(stack.api, u, { created_at: '2026-02-01T10:00:00Z' });
    const { got: newer } = await newEntry(stack.api, u, { created_at: '2026-03-01T10:00:00Z' });
    const ids = async (query: Record<string, unknown>) =>
      (await stack.api.ok('listEntries', { query: { user_id: u.id, ...query } })).map((e) => e.id);
    expect(await ids({})).toEqual([newer.id, older.id]);
    expect(await ids({ date_from: '2026-02-02' })).toEqual([newer.id]);
    expect(await ids({ date_to: '2026-02-01' })).toEqual([older.id]);
    expect(await ids({ limit: 1, skip: 1 })).toEqual([older.id]);
  },
  moodAnalytics: async () => {
    const { got: u } = await newUser(stack.api);
    const mood = await stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 7 } });
    expect(mood).toMatchObject({ period_days: 7, timezone: 'UTC' });
    expect(mood.daily_trends).toHaveLength(7);
  },
  writingAnalytics: async () => {
    const { got: u } = await newUser(stack.api);
    expect(await stack.api.ok('writingAnalytics', { query: { user_id: u.id } })).toMatchObject({
      period_days: 30,
      total_entries: 0,
      streak_info: { current_streak: 0, longest_streak: 0 },
    });
    await newEntry(stack.api, u);
    // Regression 17: the write shows immediately.
    expect(await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: 14, tz: 'Europe/Berlin' } })).toMatchObject({
      period_days: 14,
      timezone: 'Europe/Berlin',
      total_entries: 1,
    });
  },
  getEntry: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: e } = await newEntry(stack.api, u);
    expect(await stack.api.ok('getEntry', { params: { id: e.id }, query: { user_id: u.id } })).toEqual(e);
  },
  updateEntry: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: e } = await newEntry(stack.api, u);
    const updated = await stack.api.ok('updateEntry', {
      params: { id: e.id },
      query: { user_id: u.id },
      body: { title: 'renamed', content: 'Ich bin heute sehr glücklich und dankbar.', is_favorite: true },
    });
    // The new content is analysed again (German now).
    expect(updated).toMatchObject({ id: e.id, title: 'renamed', is_favorite: true, version: 2 });
    expect(updated.emotion_analysis?.language).toBe('de');
  },
  deleteEntry: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: kept } = await newEntry(stack.api, u);
    const { got: e } = await newEntry(stack.api, u);
    expect(await stack.api.call('deleteEntry', { params: { id: e.id }, query: { user_id: u.id } })).toMatchObject({
      ok: true,
      status: 204,
    });
    expect((await stack.api.ok('listEntries', { query: { user_id: u.id } })).map((x) => x.id)).toEqual([kept.id]);
    expect(await stack.api.fail('getEntry', { params: { id: e.id }, query: { user_id: u.id } }, 404)).toEqual(
      expectedErrors.entryNotFound(e.id),
    );
  },
  chatMessage: async () => {
    const { got: u } = await newUser(stack.api);
    const first = await newChatTurn(stack.api, u, { session_type: 'inner_voice' });
    expect(first.got.conversation_stage).toBe('opening');
    expect(first.got.processing_metadata).toMatchObject({ fallback_response: false, turn_count: 1, session_type: 'inner_voice' });
    const key = randomUUID();
    const input = { body: { user_id: u.id, session_id: first.got.session_id, message: 'And I could not sleep.' }, idempotencyKey: key };
    const second = await stack.api.ok('chatMessage', input);
    expect(second).toMatchObject({ session_id: first.got.session_id, conversation_stage: 'exploration' });
    expect(second.processing_metadata.turn_count).toBe(2);
    // A retry with the same key replays the turn instead of adding one.
    expect((await stack.api.ok('chatMessage', input)).message_id).toBe(second.message_id);
    const history = await stack.api.ok('history', { params: { session_id: first.got.session_id }, query: { user_id: u.id } });
    expect(history.message_count).toBe(4);
  },
  conversations: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: turn } = await newChatTurn(stack.api, u, { session_type: 'inner_voice' });
    await newChatTurn(stack.api, u, { session_id: turn.session_id });
    const convs = await stack.api.ok('conversations', { query: { user_id: u.id, limit: 10 } });
    expect(convs).toMatchObject({ user_id: u.id, total_count: 1 });
    expect(convs.conversations.map((c) => c.id)).toEqual([turn.session_id]);
    expect(convs.conversations[0]).toMatchObject({ session_type: 'inner_voice', message_count: 4, status: 'active' });
  },
  history: async () => {
    const { got: u } = await newUser(stack.api);
    const first = await newChatTurn(stack.api, u);
    const second = await newChatTurn(stack.api, u, { session_id: first.got.session_id });
    const params = { session_id: first.got.session_id };
    const all = await stack.api.ok('history', { params, query: { user_id: u.id } });
    // Regression 29: the history holds the turns, in order.
    expect(all.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', first.sent.message],
      ['assistant', first.got.content],
      ['user', second.sent.message],
      ['assistant', second.got.content],
    ]);
    expect((await stack.api.ok('history', { params, query: { user_id: u.id, limit: 1 } })).messages).toHaveLength(1);
  },
  startConversation: async () => {
    const { got: u } = await newUser(stack.api);
    expect(await stack.api.ok('startConversation', { body: { user_id: u.id, conversation_mode: 'goal_setting' } }, 201)).toMatchObject({
      user_id: u.id,
      conversation_mode: 'goal_setting',
      session_type: 'growth_challenge',
      status: 'active',
      conversation_stage: 'opening',
    });
  },
  endConversation: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: turn } = await newChatTurn(stack.api, u);
    expect(await stack.api.ok('endConversation', { params: { session_id: turn.session_id }, query: { user_id: u.id } })).toMatchObject({
      session_id: turn.session_id,
      status: 'completed',
      message_count: 2,
    });
  },
  modes: async () => {
    expect((await stack.api.ok('modes')).modes).toHaveLength(8);
  },
  styles: async () => {
    expect((await stack.api.ok('styles')).styles).toHaveLength(7);
  },
  chatStats: async () => {
    const { got: u } = await newUser(stack.api);
    await newChatTurn(stack.api, u);
    await stack.api.ok('startConversation', { body: { user_id: u.id } }, 201);
    expect(await stack.api.ok('chatStats', { query: { user_id: u.id } })).toMatchObject({
      user_id: u.id,
      service_version: SERVICE_VERSION,
      service_stats: { total_conversations: 2, messages_processed: 1 },
    });
  },
  chatHealth: async () => {
    // The strict client already fails on `service_uptime` (regression 12); the figures are health's own.
    expect(await stack.api.ok('chatHealth', {}, 200)).toMatchObject({
      status: 'healthy',
      database_available: true,
      llm_service_available: true,
    });
  },
  createSession: async () => {
    const { got: u } = await newUser(stack.api);
    const input = { body: { user_id: u.id, session_type: 'pattern_detective' as const, title: 'Patterns' }, idempotencyKey: randomUUID() };
    const first = await stack.api.ok('createSession', input, 201);
    expect(first).toMatchObject({
      user_id: u.id,
      session_type: 'pattern_detective',
      title: 'Patterns',
      status: 'active',
      message_count: 0,
      recent_messages: [],
    });
    expect(await stack.api.ok('createSession', input, 201)).toEqual(first);
  },
  listSessions: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: s } = await newSession(stack.api, u);
    expect((await stack.api.ok('listSessions', { query: { user_id: u.id, status: 'active' } })).map((x) => x.id)).toEqual([s.id]);
  },
  getSession: async () => {
    const { got: u } = await newUser(stack.api);
    const { sent, got: s } = await newSession(stack.api, u);
    await stack.api.ok(
      'postSessionMessage',
      { params: { id: s.id }, body: { user_id: u.id, content: fixtures().entryText('en', 1) } },
      201,
    );
    expect(await stack.api.ok('getSession', { params: { id: s.id }, query: { user_id: u.id } })).toMatchObject({
      id: s.id,
      title: sent.title,
      message_count: 2,
    });
  },
  sessionMessages: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: s } = await newSession(stack.api, u);
    await stack.api.ok(
      'postSessionMessage',
      { params: { id: s.id }, body: { user_id: u.id, content: fixtures().entryText('en', 1) } },
      201,
    );
    const messages = await stack.api.ok('sessionMessages', { params: { id: s.id }, query: { user_id: u.id } });
    expect(messages.map((m) => [m.sequence, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
    ]);
  },
  postSessionMessage: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: s } = await newSession(stack.api, u);
    const content = 'I always procrastinate on Mondays.';
    const input = { params: { id: s.id }, body: { user_id: u.id, content }, idempotencyKey: randomUUID() };
    const first = await stack.api.ok('postSessionMessage', input, 201);
    expect(first.user_message).toMatchObject({ role: 'user', sequence: 1, content });
    expect(first.assistant_message).toMatchObject({ role: 'assistant', sequence: 2 });
    expect(await stack.api.ok('postSessionMessage', input, 201)).toEqual(first);
  },
  deleteSession: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: s } = await newSession(stack.api, u);
    expect(await stack.api.call('deleteSession', { params: { id: s.id }, query: { user_id: u.id } })).toMatchObject({
      ok: true,
      status: 204,
    });
    expect(await stack.api.ok('listSessions', { query: { user_id: u.id } })).toEqual([]);
    expect(await stack.api.fail('getSession', { params: { id: s.id }, query: { user_id: u.id } }, 404)).toEqual(
      expectedErrors.sessionNotFound(s.id),
    );
    expect(await stack.api.fail('history', { params: { session_id: s.id }, query: { user_id: u.id } }, 404)).toEqual(
      expectedErrors.sessionNotFound(s.id, 'session_id'),
    );
  },
  exportSession: async () => {
    const { got: u } = await newUser(stack.api);
    const { got: s } = await newSession(stack.api, u, { title: 'Mondays' });
    const content = 'I always procrastinate on Mondays.';
    await stack.api.ok('postSessionMessage', { params: { id: s.id }, body: { user_id: u.id, content } }, 201);
    const params = { id: s.id };
    for (const query of [{ user_id: u.id }, { user_id: u.id, format: 'json' }]) {
      const json = await stack.api.call('exportSession', { params, query });
      expect(json).toMatchObject({ ok: true, status: 200, headers: { 'content-type': JSON_TYPE } });
      if (!json.ok || typeof json.body === 'string') throw new Error(`JSON export came back as text: ${JSON.stringify(json.body)}`);
      expect(json.body.session.id).toBe(s.id);
      expect(json.body.messages).toHaveLength(2);
    }
    const md = await stack.api.call('exportSession', { params, query: { user_id: u.id, format: 'markdown' } });
    expect(md).toMatchObject({ ok: true, status: 200, headers: { 'content-type': 'text/markdown; charset=utf-8' } });
    expect(md.body).toEqual(expect.stringMatching(new RegExp(`^# Mondays\\n\\n- Session: ${s.id}\\n`)));
    expect(md.body).toEqual(expect.stringContaining(content));
  },
};

/** The regression classes (tests/README.md) each route's check pins. */
const classesOf: Partial<Record<RouteId, number[]>> = {
  readiness: [12],
  chatHealth: [12],
  createUser: [31],
  getUser: [1, 31],
  createTopic: [7, 26],
  getTopic: [25],
  deleteTopic: [25],
  createEntry: [8, 28],
  listEntries: [17],
  moodAnalytics: [24],
  writingAnalytics: [17],
  updateEntry: [28],
  deleteEntry: [25],
  chatMessage: [14],
  conversations: [14, 29],
  history: [29],
  chatStats: [11],
  createSession: [7],
  deleteSession: [25],
};

let base: (route: RouteId) => ValidRequest;
beforeAll(async () => {
  base = await validRequests(stack);
});

/**
 * The behaviour level of the same guarantee, owed by any deployment: a request valid by the target's own
 * document gets a 2xx that document declares, with a body that meets its schema (the client fails on
 * anything else, and on any 5xx). Deletes get objects of their own.
 */
async function positive(route: RouteId, ctx: TestContext): Promise<void> {
  const spec = routes[route] as RouteSpec;
  const skip = (why: string) => {
    console.warn(`[journal-suite] skipped "${ctx.task.name}": ${why}`);
    ctx.skip(why);
  };
  if (!stack.api.offers(route)) return skip(`the target's own document has no ${spec.method} ${spec.path}`);
  let req = base(route);
  const owner = String(req.query?.user_id ?? '');
  if (route === 'deleteTopic') req = { ...req, params: { id: (await newTopic(stack.api, owner)).got.id } };
  if (route === 'deleteEntry') req = { ...req, params: { id: (await newEntry(stack.api, owner)).got.id } };
  if (route === 'deleteSession') req = { ...req, params: { id: (await newChatTurn(stack.api, owner)).got.session_id } };
  // A field of our valid request that the target's own document forbids makes it no positive case there.
  for (const where of ['query', 'body'] as const)
    for (const [field, value] of Object.entries(req[where] ?? {}))
      if (stack.api.conformance === 'behaviour' && stack.api.mustReject(route, where, field, value))
        return skip(`the target's own document refuses ${where}.${field}=${JSON.stringify(value)}, which this project's contract allows`);
  const out = await stack.api.raw(route, req);
  expect(out.ok, `${spec.method} ${spec.path}: a valid request answered ${out.status} ${JSON.stringify(out.body).slice(0, 300)}`).toBe(
    true,
  );
}

// One \`it\` per route, judged at the level the run asks for: this project's exact statuses and shapes under
// the strict level (after the behaviour-level check), the behaviour-level guarantee against a deployment.
describe('every route answers a valid request with its documented success status and shape', () => {
  for (const route of Object.keys(routes) as RouteId[])
    it(route, { meta: { classes: classesOf[route] ?? [] } }, async (ctx) => {
      await positive(route, ctx);
      if (stack.api.conformance === 'strict') await routeChecks[route]();
    });
});

describe('answers that are not tied to one route', () => {
  it('entries: sentiment_score is a polarity and mood follows it', { meta: { classes: [21, 22] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const { got: e } = await newEntry(stack.api, u, { content: fixtures().entryText('en', 4) });
    expect(e.sentiment_score).toBe(e.emotion_analysis!.sentiment_polarity);
    const p = e.sentiment_score!;
    const expected = p >= 0.6 ? 'very_positive' : p >= 0.2 ? 'positive' : p > -0.2 ? 'neutral' : p > -0.6 ? 'negative' : 'very_negative';
    expect(e.mood).toBe(expected);
  });

  it('analytics: mood and writing answer with all moods present', { meta: { classes: [24] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const mood = await stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 7 } });
    expect(Object.keys(mood.mood_distribution).sort()).toEqual([...MOOD_TYPES].sort());
    expect(mood.daily_trends).toHaveLength(7);
    const writing = await stack.api.ok('writingAnalytics', { query: { user_id: u.id } });
    expect(writing).toMatchObject({ period_days: 30, total_entries: 0, streak_info: { current_streak: 0, longest_streak: 0 } });
  });

  it('paths answer with and without a trailing slash, without redirects', { meta: { level: 'strict' } }, async () => {
    const { got: u } = await newUser(stack.api);
    const get = async (route: RouteId, path: string) => {
      const res = await fetch(`${stack.apiUrl}${path}`, { redirect: 'manual' });
      return parseReply(route, res.status, res.headers.get('content-type') ?? '', await res.text(), {});
    };
    // Collection routes are declared with a slash, item routes without.
    for (const path of ['/api/v1/topics', '/api/v1/topics/'])
      expect(await get('listTopics', `${path}?user_id=${u.id}`), path).toMatchObject({ status: 200, body: [] });
    for (const path of [`/api/v1/users/${u.id}`, `/api/v1/users/${u.id}/`])
      expect(await get('getUser', path), path).toMatchObject({ status: 200, body: u });
    for (const path of ['/health', '/health/']) expect(await get('liveness', path), path).toMatchObject({ status: 200 });
    for (const path of ['/api/v1/health', '/api/v1/health/']) expect(await get('readiness', path), path).toMatchObject({ status: 200 });
    const created = await fetch(`${stack.apiUrl}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixtures().user()),
      redirect: 'manual',
    });
    expect(parseReply('createUser', created.status, created.headers.get('content-type') ?? '', await created.text(), {}).status).toBe(201);
  });
});
