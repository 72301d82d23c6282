import { describe, expect, it } from 'vitest';
import { type AnswerPolicy, createClient, encodeQuery } from './client.js';

const USER = '00000000-0000-0000-0000-000000000001';
const user = { id: USER, username: 'dev', display_name: null, timezone: 'UTC', language: 'en', created_at: '2025-01-01T00:00:00.000Z' };
const envelope = { error: 'user_not_found', message: 'no such user', details: [{ path: 'id', message: 'not found' }] };

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records what it was asked and answers with the given status and JSON body. */
function answering(status: number, body: unknown, contentType = 'application/json; charset=utf-8') {
  const seen: Seen[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: init?.body as string | undefined,
    });
    return new Response(status === 204 ? null : typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': contentType },
    });
  };
  return { fetch, seen };
}

describe('the contract client', () => {
  it('fills and encodes path parameters under any base, with or without the API prefix', async () => {
    for (const baseUrl of ['http://proxy.test/journal/api/v1/', 'http://proxy.test/journal']) {
      const { fetch, seen } = answering(200, user);
      const c = createClient({ baseUrl, fetch });
      await c.call('history', { params: { session_id: 'a b/c' }, query: { user_id: USER } });
      expect(seen[0]!.url).toBe(`http://proxy.test/journal/api/v1/chat/conversation/a%20b%2Fc/history?user_id=${USER}`);
    }
    expect(() => createClient({ baseUrl: 'http://x.test' }).path('getUser')).toThrow('missing path parameter id');
  });

  it('encodes queries: strings as they are, other values as JSON, undefined left out', () => {
    expect(encodeQuery({ a: 'x y&z', n: 5, b: true, s: ['t'], u: undefined })).toBe('?a=x+y%26z&n=5&b=true&s=%5B%22t%22%5D');
    expect(encodeQuery({})).toBe('');
  });

  it('sends a body as JSON, a raw body as is, and the idempotency key and default headers', async () => {
    const { fetch, seen } = answering(200, {});
    const c = createClient({ baseUrl: 'http://x.test', fetch, headers: { authorization: 'Bearer t', 'x-a': 'default' } });
    await c.call('createTopic', { body: { user_id: USER, name: 'n' }, idempotencyKey: 'k-1', headers: { 'x-a': 'mine' } });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: 'http://x.test/api/v1/topics/',
      body: JSON.stringify({ user_id: USER, name: 'n' }),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1', authorization: 'Bearer t', 'x-a': 'mine' },
    });
    await c.send('createTopic', { rawBody: '{"user_id": ', headers: { 'content-type': 'text/plain' } });
    expect(seen[1]).toMatchObject({ body: '{"user_id": ', headers: { 'content-type': 'text/plain' } });
    await c.call('getUser', { params: { id: USER } });
    expect(seen[2]!.headers).not.toHaveProperty('content-type');
    expect(seen[2]!.headers).not.toHaveProperty('idempotency-key');
  });

  it('parses a success with the schema of that status, typed, and keeps the raw value', async () => {
    const c = createClient({ baseUrl: 'http://x.test', fetch: answering(200, { ...user, extra: 1 }).fetch });
    const a = await c.call('getUser', { params: { id: USER } });
    if (a.kind !== 'success') throw new Error(a.kind);
    expect(a.body.timezone).toBe('UTC');
    expect(a.body).not.toHaveProperty('extra');
    expect(a.raw).toHaveProperty('extra', 1);
    expect(a.headers['content-type']).toContain('application/json');
    // readiness documents 503 as a success shape of its own
    const down = { status: 'down', latency_ms: null };
    const unhealthy = { status: 'unhealthy', components: { database: down, llm: down }, version: '1', timestamp: user.created_at };
    const ready = createClient({ baseUrl: 'http://x.test', fetch: answering(503, unhealthy).fetch });
    expect(await ready.call('readiness')).toMatchObject({ kind: 'success', status: 503, body: unhealthy });
  });

  it('reads a 204 as no content and a non-JSON success as text', async () => {
    const del = createClient({ baseUrl: 'http://x.test', fetch: answering(204, null).fetch });
    expect(await del.call('deleteTopic', { params: { id: USER }, query: { user_id: USER } })).toMatchObject({
      kind: 'success',
      body: null,
    });
    const md = createClient({ baseUrl: 'http://x.test', fetch: answering(200, '# Session', 'text/markdown').fetch });
    expect(await md.call('exportSession', { params: { id: USER }, query: { user_id: USER } })).toMatchObject({ body: '# Session' });
  });

  it('parses every error status with the one envelope; anything else is a violation', async () => {
    const c = (status: number, body: unknown) => createClient({ baseUrl: 'http://x.test', fetch: answering(status, body).fetch });
    expect(await c(404, envelope).call('getUser', { params: { id: USER } })).toMatchObject({ kind: 'error', status: 404, body: envelope });
    expect(await c(404, { detail: 'Not Found' }).call('getUser', { params: { id: USER } })).toMatchObject({
      kind: 'violation',
      message: expect.stringContaining('not the envelope'),
    });
    expect(await c(200, { id: USER }).call('getUser', { params: { id: USER } })).toMatchObject({
      kind: 'violation',
      message: expect.stringContaining('username'),
    });
    expect(await c(202, user).call('getUser', { params: { id: USER } })).toMatchObject({
      kind: 'violation',
      message: expect.stringContaining('undeclared status 202'),
    });
    expect(await c(500, 'oops').call('getUser', { params: { id: USER } })).toMatchObject({ kind: 'violation' });
  });

  it('uses any fetch, and reports no answer as network, naming the cause or the timeout', async () => {
    const refused = createClient({
      baseUrl: 'http://x.test',
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      },
    });
    expect(await refused.call('liveness')).toEqual({ kind: 'network', timedOut: false, message: 'fetch failed (ECONNREFUSED)' });

    const hanging: typeof fetch = (_, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const slow = createClient({ baseUrl: 'http://x.test', fetch: hanging, timeoutMs: 20 });
    expect(await slow.call('liveness')).toEqual({ kind: 'network', timedOut: true, message: 'no answer within 20 ms' });
  });

  it('reads answers through a pluggable policy', async () => {
    const foreign: AnswerPolicy = {
      read: (route, status, _type, text) =>
        status >= 400
          ? { kind: 'error', raw: text, body: { error: 'validation_error', message: JSON.parse(text).detail, details: [] } }
          : { kind: 'success', raw: text, body: `${route.operationId}:${text}` },
    };
    const c = (status: number, body: unknown) =>
      createClient({ baseUrl: 'http://x.test', fetch: answering(status, body).fetch, policy: foreign });
    expect(await c(404, { detail: 'Not Found' }).call('liveness')).toMatchObject({ kind: 'error', body: { message: 'Not Found' } });
    expect(await c(200, { up: 1 }).call('liveness')).toMatchObject({ kind: 'success', body: 'liveness:{"up":1}' });
  });
});
