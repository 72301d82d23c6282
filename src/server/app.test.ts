import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stubAiConfig, useOllamaMswServer } from '../../fixtures/ollama/index.js';
import { parseOutcome, type RawInput, type SuccessBody } from '../../helpers/api.js';
import { createAiGateway } from '../ai/gateway.js';
import { ErrorEnvelope } from '../contract/errors.js';
import { buildOpenApiDocument, SERVICE_VERSION } from '../contract/openapi.js';
import { fastifyPath, routeList, routes, type RouteId } from '../contract/routes.js';
import { createDb, type DbHandle } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import type { ServiceDeps } from '../services/deps.js';
import { freePort } from '../stack/ports.js';
import { EmbeddedPostgresServer } from '../stack/postgres.js';
import { BODY_LIMIT_BYTES, buildApp } from './app.js';

// The HTTP app in-process (app.inject) over a real PostgreSQL (one embedded cluster for the file) and the
// Ollama stub through msw. Each test builds its own app, so route registration is part of every test.

useOllamaMswServer();
const ai = createAiGateway(stubAiConfig());
let pgServer: EmbeddedPostgresServer | undefined;
let handle: DbHandle | undefined;
let deps: ServiceDeps;
let dataDir: string | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'server-app-test-'));
  pgServer = await EmbeddedPostgresServer.start({ dataDir, persistent: false });
  await pgServer.createDatabase('app');
  handle = createDb(pgServer.adminUrl('app'), { max: 4 });
  await migrateToLatest(handle.db);
  deps = { db: handle.db, ai, now: () => new Date(), version: SERVICE_VERSION };
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await pgServer?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

type Res = LightMyRequestResponse;

function urlOf(route: RouteId, params: Record<string, string> = {}): string {
  return routes[route].path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? `missing-${k}`));
}

/** One request to a route of the table; the response is parsed with the contract schema of its status. */
async function call<R extends RouteId>(app: FastifyInstance, route: R, input: RawInput = {}) {
  const opts: InjectOptions = { method: routes[route].method, url: urlOf(route, input.params), headers: { ...input.headers } };
  if (input.query) opts.query = Object.fromEntries(Object.entries(input.query).map(([k, v]) => [k, String(v)]));
  if (input.rawBody !== undefined) {
    opts.payload = input.rawBody;
    opts.headers = { 'content-type': 'application/json', ...opts.headers };
  } else if (input.body !== undefined) opts.payload = input.body as object;
  const res = await app.inject(opts);
  return {
    res,
    out: parseOutcome(route, res.statusCode, String(res.headers['content-type'] ?? ''), res.body, res.headers as Record<string, string>),
  };
}

async function ok<R extends RouteId>(
  app: FastifyInstance,
  route: R,
  input: RawInput,
  status: number,
): Promise<{ body: SuccessBody<R>; res: Res }> {
  expect(Object.keys(routes[route].success), `${route} documents ${status}`).toContain(String(status));
  const { res, out } = await call(app, route, input);
  if (!out.ok || out.status !== status) throw new Error(`${route}: expected ${status}, got ${res.statusCode}: ${res.body}`);
  return { body: out.body, res };
}

async function fail(app: FastifyInstance, route: RouteId, input: RawInput, status: number) {
  const { res, out } = await call(app, route, input);
  if (out.ok || out.status !== status) throw new Error(`${route}: expected ${status}, got ${res.statusCode}: ${res.body}`);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return out.body;
}

async function newUser(app: FastifyInstance): Promise<string> {
  return (await ok(app, 'createUser', { body: { username: `u-${randomUUID()}` } }, 201)).body.id;
}

async function newSession(app: FastifyInstance, userId: string, title = 'Patterns'): Promise<string> {
  return (await ok(app, 'createSession', { body: { user_id: userId, session_type: 'pattern_detective', title } }, 201)).body.id;
}

async function newEntry(app: FastifyInstance, userId: string): Promise<string> {
  return (await ok(app, 'createEntry', { body: { user_id: userId, title: 't', content: 'A calm and good day at the lake.' } }, 201)).body
    .id;
}

async function chatTurn(app: FastifyInstance, userId: string): Promise<string> {
  return (await ok(app, 'chatMessage', { body: { user_id: userId, message: 'I had a long day at work.' } }, 200)).body.session_id;
}

function expectNoContent(res: Res) {
  expect(res.statusCode).toBe(204);
  expect(res.body).toBe('');
}

describe('the app', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp(deps);
  });
  afterEach(() => app.close());

  it('serves exactly the routes of the contract table (HEAD twins not counted)', () => {
    const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
    const served = app.registeredRoutes.map(key).sort();
    expect(served).toEqual(routeList.map((r) => key({ method: r.method, url: fastifyPath(r.path) })).sort());
    expect(new Set(served).size).toBe(routeList.length);
  });

  it('is started when buildApp returns: no route can be added afterwards', () => {
    expect(() => app.get('/late', async () => ({}))).toThrow();
  });

  it('logs (at warn) only when asked to', async () => {
    expect([undefined, 'silent']).toContain(app.log.level);
    const logging = await buildApp(deps, { logger: true });
    try {
      expect(logging.log.level).toBe('warn');
    } finally {
      await logging.close();
    }
  });
});

/**
 * One valid request per route of the table, answered with its documented success status; the mapped
 * type makes a route added to the table without a case here a type error.
 */
const validRequests: { [K in RouteId]: (app: FastifyInstance) => Promise<void> } = {
  liveness: async (app) => {
    expect((await ok(app, 'liveness', {}, 200)).body).toEqual({ status: 'ok' });
  },
  readiness: async (app) => {
    const { body } = await ok(app, 'readiness', {}, 200);
    expect(body).toMatchObject({
      status: 'healthy',
      components: { database: { status: 'up' }, llm: { status: 'up' } },
      version: SERVICE_VERSION,
    });
  },
  openapi: async (app) => {
    const first = await ok(app, 'openapi', {}, 200);
    expect(first.res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.body).toEqual(buildOpenApiDocument());
    const second = await ok(app, 'openapi', {}, 200);
    expect(second.res.body).toBe(first.res.body);
  },
  createUser: async (app) => {
    const id = randomUUID();
    const { body } = await ok(app, 'createUser', { body: { id, username: 'ada', timezone: 'Europe/Berlin' } }, 201);
    expect(body).toMatchObject({ id, username: 'ada', timezone: 'Europe/Berlin', language: 'en', display_name: null });
  },
  getUser: async (app) => {
    const id = await newUser(app);
    expect((await ok(app, 'getUser', { params: { id } }, 200)).body.id).toBe(id);
  },
  createTopic: async (app) => {
    const userId = await newUser(app);
    const first = await ok(app, 'createTopic', { body: { user_id: userId, name: 'Work' } }, 201);
    const again = await ok(app, 'createTopic', { body: { user_id: userId, name: 'Work' } }, 200);
    expect(again.body.id).toBe(first.body.id);
  },
  listTopics: async (app) => {
    const userId = await newUser(app);
    const t = await ok(app, 'createTopic', { body: { user_id: userId, name: 'Sleep' } }, 201);
    expect((await ok(app, 'listTopics', { query: { user_id: userId } }, 200)).body.map((x) => x.id)).toEqual([t.body.id]);
  },
  getTopic: async (app) => {
    const userId = await newUser(app);
    const t = await ok(app, 'createTopic', { body: { user_id: userId, name: 'Sleep' } }, 201);
    expect((await ok(app, 'getTopic', { params: { id: t.body.id }, query: { user_id: userId } }, 200)).body).toEqual(t.body);
  },
  deleteTopic: async (app) => {
    const userId = await newUser(app);
    const t = await ok(app, 'createTopic', { body: { user_id: userId, name: 'Sleep' } }, 201);
    expectNoContent((await ok(app, 'deleteTopic', { params: { id: t.body.id }, query: { user_id: userId } }, 204)).res);
    await fail(app, 'getTopic', { params: { id: t.body.id }, query: { user_id: userId } }, 404);
  },
  createEntry: async (app) => {
    const userId = await newUser(app);
    const input = {
      body: { user_id: userId, title: 't', content: 'A calm and good day at the lake.' },
      headers: { 'idempotency-key': 'entry-1' },
    };
    const first = await ok(app, 'createEntry', input, 201);
    expect(first.body).toMatchObject({ user_id: userId, title: 't', version: 1 });
    // The Idempotency-Key header reaches the service: a retry replays the entry instead of adding one.
    expect((await ok(app, 'createEntry', input, 201)).body.id).toBe(first.body.id);
    expect((await ok(app, 'listEntries', { query: { user_id: userId } }, 200)).body).toHaveLength(1);
  },
  listEntries: async (app) => {
    const userId = await newUser(app);
    const id = await newEntry(app, userId);
    expect((await ok(app, 'listEntries', { query: { user_id: userId, limit: 5 } }, 200)).body.map((e) => e.id)).toEqual([id]);
  },
  moodAnalytics: async (app) => {
    const userId = await newUser(app);
    const { body } = await ok(app, 'moodAnalytics', { query: { user_id: userId, days: 7 } }, 200);
    expect(body).toMatchObject({ period_days: 7, timezone: 'UTC' });
    expect(body.daily_trends).toHaveLength(7);
  },
  writingAnalytics: async (app) => {
    const userId = await newUser(app);
    await newEntry(app, userId);
    const { body } = await ok(app, 'writingAnalytics', { query: { user_id: userId, days: 14, tz: 'Europe/Berlin' } }, 200);
    expect(body).toMatchObject({ period_days: 14, timezone: 'Europe/Berlin', total_entries: 1 });
  },
  getEntry: async (app) => {
    const userId = await newUser(app);
    const id = await newEntry(app, userId);
    expect((await ok(app, 'getEntry', { params: { id }, query: { user_id: userId } }, 200)).body.id).toBe(id);
  },
  updateEntry: async (app) => {
    const userId = await newUser(app);
    const id = await newEntry(app, userId);
    const { body } = await ok(
      app,
      'updateEntry',
      { params: { id }, query: { user_id: userId }, body: { title: 'renamed', is_favorite: true } },
      200,
    );
    expect(body).toMatchObject({ id, title: 'renamed', is_favorite: true, version: 2 });
  },
  deleteEntry: async (app) => {
    const userId = await newUser(app);
    const id = await newEntry(app, userId);
    expectNoContent((await ok(app, 'deleteEntry', { params: { id }, query: { user_id: userId } }, 204)).res);
    await fail(app, 'getEntry', { params: { id }, query: { user_id: userId } }, 404);
  },
  chatMessage: async (app) => {
    const userId = await newUser(app);
    const input = {
      body: { user_id: userId, message: 'I had a long day at work.', session_type: 'inner_voice' },
      headers: { 'idempotency-key': 'turn-1' },
    };
    const first = await ok(app, 'chatMessage', input, 200);
    expect(first.body.processing_metadata).toMatchObject({ fallback_response: false, turn_count: 1, session_type: 'inner_voice' });
    expect((await ok(app, 'chatMessage', input, 200)).body.message_id).toBe(first.body.message_id);
    const history = await ok(app, 'history', { params: { session_id: first.body.session_id }, query: { user_id: userId } }, 200);
    expect(history.body.message_count).toBe(2);
  },
  conversations: async (app) => {
    const userId = await newUser(app);
    const sessionId = await chatTurn(app, userId);
    const { body } = await ok(app, 'conversations', { query: { user_id: userId, limit: 10 } }, 200);
    expect(body).toMatchObject({ user_id: userId, total_count: 1 });
    expect(body.conversations.map((c) => c.id)).toEqual([sessionId]);
  },
  history: async (app) => {
    const userId = await newUser(app);
    const sessionId = await chatTurn(app, userId);
    const { body } = await ok(app, 'history', { params: { session_id: sessionId }, query: { user_id: userId, limit: 1 } }, 200);
    expect(body.session_id).toBe(sessionId);
    expect(body.messages).toHaveLength(1);
    const all = await ok(app, 'history', { params: { session_id: sessionId }, query: { user_id: userId } }, 200);
    expect(all.body.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  },
  startConversation: async (app) => {
    const userId = await newUser(app);
    const { body } = await ok(app, 'startConversation', { body: { user_id: userId, conversation_mode: 'goal_setting' } }, 201);
    expect(body).toMatchObject({ user_id: userId, conversation_mode: 'goal_setting', status: 'active' });
  },
  endConversation: async (app) => {
    const userId = await newUser(app);
    const sessionId = await chatTurn(app, userId);
    const { body } = await ok(app, 'endConversation', { params: { session_id: sessionId }, query: { user_id: userId } }, 200);
    expect(body).toMatchObject({ session_id: sessionId, status: 'completed', message_count: 2 });
  },
  modes: async (app) => {
    expect((await ok(app, 'modes', {}, 200)).body.modes).toHaveLength(8);
  },
  styles: async (app) => {
    expect((await ok(app, 'styles', {}, 200)).body.styles).toHaveLength(7);
  },
  chatStats: async (app) => {
    const userId = await newUser(app);
    await chatTurn(app, userId);
    const { body } = await ok(app, 'chatStats', { query: { user_id: userId } }, 200);
    expect(body).toMatchObject({
      user_id: userId,
      service_version: SERVICE_VERSION,
      service_stats: { total_conversations: 1, messages_processed: 1 },
    });
  },
  chatHealth: async (app) => {
    const { body } = await ok(app, 'chatHealth', {}, 200);
    expect(body).toMatchObject({ status: 'healthy', database_available: true, llm_service_available: true });
  },
  createSession: async (app) => {
    const userId = await newUser(app);
    const input = { body: { user_id: userId, session_type: 'free_chat', title: 'Evening' }, headers: { 'idempotency-key': 'session-1' } };
    const first = await ok(app, 'createSession', input, 201);
    expect(first.body).toMatchObject({ user_id: userId, session_type: 'free_chat', title: 'Evening', message_count: 0 });
    expect((await ok(app, 'createSession', input, 201)).body.id).toBe(first.body.id);
  },
  listSessions: async (app) => {
    const userId = await newUser(app);
    const id = await newSession(app, userId);
    expect((await ok(app, 'listSessions', { query: { user_id: userId, status: 'active' } }, 200)).body.map((s) => s.id)).toEqual([id]);
  },
  getSession: async (app) => {
    const userId = await newUser(app);
    const id = await newSession(app, userId);
    expect((await ok(app, 'getSession', { params: { id }, query: { user_id: userId } }, 200)).body).toMatchObject({
      id,
      title: 'Patterns',
    });
  },
  sessionMessages: async (app) => {
    const userId = await newUser(app);
    const id = await newSession(app, userId);
    await ok(app, 'postSessionMessage', { params: { id }, body: { user_id: userId, content: 'I always procrastinate on Mondays.' } }, 201);
    const { body } = await ok(app, 'sessionMessages', { params: { id }, query: { user_id: userId } }, 200);
    expect(body.map((m) => [m.sequence, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
    ]);
  },
  postSessionMessage: async (app) => {
    const userId = await newUser(app);
    const id = await newSession(app, userId);
    const input = {
      params: { id },
      body: { user_id: userId, content: 'I always procrastinate on Mondays.' },
      headers: { 'idempotency-key': 'post-1' },
    };
    const first = await ok(app, 'postSessionMessage', input, 201);
    expect(first.body.user_message).toMatchObject({ role: 'user', sequence: 1, content: 'I always procrastinate on Mondays.' });
    expect(first.body.assistant_message).toMatchObject({ role: 'assistant', sequence: 2 });
    expect((await ok(app, 'postSessionMessage', input, 201)).body.user_message.id).toBe(first.body.user_message.id);
  },
  deleteSession: async (app) => {
    const userId = await newUser(app);
    const id = await newSession(app, userId);
    expectNoContent((await ok(app, 'deleteSession', { params: { id }, query: { user_id: userId } }, 204)).res);
    await fail(app, 'getSession', { params: { id }, query: { user_id: userId } }, 404);
  },
  exportSession: async (app) => {
    const userId = await newUser(app);
    const id = await newSession(app, userId, 'Mondays');
    await ok(app, 'postSessionMessage', { params: { id }, body: { user_id: userId, content: 'I always procrastinate on Mondays.' } }, 201);
    const json = await ok(app, 'exportSession', { params: { id }, query: { user_id: userId } }, 200);
    expect(json.res.headers['content-type']).toBe('application/json; charset=utf-8');
    if (typeof json.body === 'string') throw new Error('JSON export came back as text');
    expect(json.body.session.id).toBe(id);
    expect(json.body.messages).toHaveLength(2);
    const asJson = await ok(app, 'exportSession', { params: { id }, query: { user_id: userId, format: 'json' } }, 200);
    expect(asJson.res.headers['content-type']).toBe('application/json; charset=utf-8');
    const md = await ok(app, 'exportSession', { params: { id }, query: { user_id: userId, format: 'markdown' } }, 200);
    expect(md.res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.res.body.startsWith(`# Mondays\n\n- Session: ${id}\n`)).toBe(true);
    expect(md.res.body).toContain('I always procrastinate on Mondays.');
  },
};

describe('every route of the table answers a valid request with its documented success status', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp(deps);
  });
  afterEach(() => app.close());

  it('has a case for every route', () => {
    expect(Object.keys(validRequests).sort()).toEqual(Object.keys(routes).sort());
  });

  it.each(Object.keys(validRequests) as RouteId[])('%s', async (route) => {
    await validRequests[route](app);
  });
});

describe('errors come in the one envelope', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp(deps);
  });
  afterEach(() => app.close());

  async function unknown(method: InjectOptions['method'], url: string) {
    const res = await app.inject({ method, url });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    return ErrorEnvelope.parse(res.json());
  }

  it('an unknown route is a 404 naming method and path (without the query)', async () => {
    expect(await unknown('GET', '/api/v1/nope?user_id=1&x=2')).toEqual({
      error: 'route_not_found',
      message: 'No route GET /api/v1/nope',
      details: [{ path: 'url', message: 'unknown route' }],
    });
    expect((await unknown('DELETE', '/api/v1/nope/')).message).toBe('No route DELETE /api/v1/nope/');
    expect((await unknown('PATCH', '/healthz')).message).toBe('No route PATCH /healthz');
  });

  it('a method a known path does not answer is a 405 with Allow, in the envelope', async () => {
    for (const [method, url, allow] of [
      ['DELETE', '/api/v1/users/', 'POST'],
      ['PATCH', '/health', 'GET, HEAD'],
      ['POST', '/api/v1/entries/analytics/mood?user_id=x', 'GET, HEAD'],
      ['PATCH', `/api/v1/entries/${randomUUID()}`, 'DELETE, GET, HEAD, PUT'],
      ['OPTIONS', '/api/v1/sessions', 'GET, HEAD, POST'],
    ] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.headers.allow, `${method} ${url}`).toBe(allow);
      expect(ErrorEnvelope.parse(res.json())).toEqual({
        error: 'method_not_allowed',
        message: `${method} is not allowed on ${url.split('?')[0]}`,
        details: [{ path: 'method', message: `allowed: ${allow}` }],
      });
    }
  });

  it('malformed JSON → 400 invalid_json; an empty JSON body is no body', async () => {
    expect(await fail(app, 'createEntry', { rawBody: '{"user_id": ' }, 400)).toEqual({
      error: 'invalid_json',
      message: 'The request body is not valid JSON',
      details: [{ path: 'body', message: expect.stringContaining('not valid JSON') }],
    });
    // An empty body with a JSON type is no body: the route's schema names the missing body.
    expect(await fail(app, 'createUser', { rawBody: '' }, 422)).toMatchObject({ error: 'validation_error', details: [{ path: 'body' }] });
  });

  it(`a body above ${BODY_LIMIT_BYTES} bytes → 413; one of exactly that size is read (and validated)`, async () => {
    const userId = randomUUID();
    const sized = (bytes: number) => {
      const head = `{"user_id":"${userId}","title":"t","content":"`;
      const tail = '"}';
      return head + 'a'.repeat(bytes - head.length - tail.length) + tail;
    };
    expect(Buffer.byteLength(sized(BODY_LIMIT_BYTES))).toBe(256 * 1024);
    expect(await fail(app, 'createEntry', { rawBody: sized(BODY_LIMIT_BYTES + 1) }, 413)).toEqual({
      error: 'payload_too_large',
      message: 'The request body is too large',
      details: [{ path: 'body', message: expect.any(String) }],
    });
    const atLimit = await fail(app, 'createEntry', { rawBody: sized(BODY_LIMIT_BYTES) }, 422);
    expect(atLimit.details.map((d) => d.path)).toEqual(['content']);
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    expect(await fail(app, 'createUser', { body: '<user/>', headers: { 'content-type': 'application/xml' } }, 415)).toEqual({
      error: 'unsupported_media_type',
      message: 'Send the body as application/json',
      details: [{ path: 'content-type', message: expect.any(String) }],
    });
  });

  it('invalid params, query, body and headers → 422 naming each bad field', async () => {
    expect(await fail(app, 'getUser', { params: { id: 'not-a-uuid' } }, 422)).toEqual({
      error: 'validation_error',
      message: 'Invalid request params: id',
      details: [{ path: 'id', message: 'must be a UUID' }],
    });
    expect(await fail(app, 'listEntries', { query: { user_id: 'x', limit: 0, mood_filter: 'happy' } }, 422)).toEqual({
      error: 'validation_error',
      message: 'Invalid request querystring: user_id, limit, mood_filter',
      details: [
        { path: 'user_id', message: 'must be a UUID' },
        { path: 'limit', message: expect.any(String) },
        { path: 'mood_filter', message: expect.any(String) },
      ],
    });
    expect(await fail(app, 'listTopics', {}, 422)).toMatchObject({
      message: 'Invalid request querystring: user_id',
      details: [{ path: 'user_id' }],
    });
    expect(await fail(app, 'createEntry', { body: { user_id: 'x', title: 5, content: 'abc', tags: ['ok', ''] } }, 422)).toEqual({
      error: 'validation_error',
      message: 'Invalid request body: user_id, title, tags.1',
      details: [
        { path: 'user_id', message: 'must be a UUID' },
        { path: 'title', message: expect.any(String) },
        { path: 'tags.1', message: expect.any(String) },
      ],
    });
    expect(await fail(app, 'createTopic', { body: { user_id: randomUUID(), name: 'n', color: 'blue' } }, 422)).toEqual({
      error: 'validation_error',
      message: 'Invalid request body: color',
      details: [{ path: 'color', message: 'must be a colour like #3B82F6' }],
    });
    expect(await fail(app, 'createEntry', {}, 422)).toMatchObject({ message: 'Invalid request body: body', details: [{ path: 'body' }] });
    const headers = { 'idempotency-key': 'k'.repeat(201) };
    expect(await fail(app, 'createSession', { body: { user_id: randomUUID(), session_type: 'free_chat' }, headers }, 422)).toEqual({
      error: 'validation_error',
      message: 'Invalid request headers: idempotency-key',
      details: [{ path: 'idempotency-key', message: expect.any(String) }],
    });
  });

  it("a malformed or over-long path segment → 400 in the envelope, not Fastify's own body", async () => {
    expect(await fail(app, 'getUser', { params: { id: 'x' } }, 422)).toMatchObject({ details: [{ path: 'id' }] });
    const badUrl = await app.inject({ method: 'GET', url: '/api/v1/users/%E0%A4%A' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(ErrorEnvelope.parse(badUrl.json())).toEqual({
      error: 'validation_error',
      message: "'/api/v1/users/%E0%A4%A' is not a valid url component",
      details: [{ path: 'request', message: "'/api/v1/users/%E0%A4%A' is not a valid url component" }],
    });
    const long = await call(app, 'getUser', { params: { id: 'a'.repeat(101) } });
    expect(long.out).toMatchObject({ ok: false, status: 400, body: { error: 'validation_error', details: [{ path: 'request' }] } });
  });

  it("an unknown id is the service's 404 envelope", async () => {
    const id = randomUUID();
    expect(await fail(app, 'getUser', { params: { id } }, 404)).toEqual({
      error: 'user_not_found',
      message: `user ${id} not found`,
      details: [{ path: 'id', message: 'not found' }],
    });
  });
});

describe('paths answer with and without a trailing slash', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp(deps);
  });
  afterEach(() => app.close());

  it('collection routes declared with a slash, item routes declared without', async () => {
    const userId = await newUser(app);
    expect(routes.listTopics.path.endsWith('/')).toBe(true);
    for (const url of ['/api/v1/topics', '/api/v1/topics/']) {
      const res = await app.inject({ method: 'GET', url, query: { user_id: userId } });
      expect(res.statusCode, url).toBe(200);
      expect(res.json()).toEqual([]);
    }
    for (const url of [`/api/v1/users/${userId}`, `/api/v1/users/${userId}/`]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.json()).toMatchObject({ id: userId });
    }
    for (const url of ['/health', '/health/', '/api/v1/health', '/api/v1/health/']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const created = await app.inject({ method: 'POST', url: '/api/v1/users', payload: { username: 'no-slash' } });
    expect(created.statusCode).toBe(201);
  });
});

describe('with the database unreachable', () => {
  let down: DbHandle;
  let app: FastifyInstance;
  beforeAll(async () => {
    // A port nothing listens on: every query fails with a real ECONNREFUSED.
    down = createDb(`postgres://postgres:postgres@127.0.0.1:${await freePort()}/app`, { max: 2 });
  });
  afterAll(() => down.close());
  beforeEach(async () => {
    app = await buildApp({ db: down.db, ai, now: () => new Date(), version: SERVICE_VERSION });
  });
  afterEach(() => app.close());

  const unavailable = {
    error: 'database_unavailable',
    message: 'The database is unavailable; nothing was written. Retry later.',
    details: [],
  };

  it('reads and writes are 503 database_unavailable', async () => {
    expect(await fail(app, 'getUser', { params: { id: randomUUID() } }, 503)).toEqual(unavailable);
    expect(await fail(app, 'createUser', { body: { username: 'x' } }, 503)).toEqual(unavailable);
    expect(await fail(app, 'listTopics', { query: { user_id: randomUUID() } }, 503)).toEqual(unavailable);
  });

  it('readiness and chat health are 503 with their own bodies; liveness and bad input are unaffected', async () => {
    const ready = await ok(app, 'readiness', {}, 503);
    expect(ready.body).toMatchObject({
      status: 'unhealthy',
      components: { database: { status: 'down', latency_ms: null }, llm: { status: 'up' } },
    });
    expect(ready.body.components.database.error).toEqual(expect.any(String));
    const health = await ok(app, 'chatHealth', {}, 503);
    expect(health.body).toMatchObject({ status: 'unhealthy', database_available: false, service_stats: null });
    expect((await ok(app, 'liveness', {}, 200)).body).toEqual({ status: 'ok' });
    expect(await fail(app, 'getUser', { params: { id: 'nope' } }, 422)).toMatchObject({ error: 'validation_error' });
  });
});
