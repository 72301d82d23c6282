import { describe, expect, it } from 'vitest';
import { ApiFailure, createApi } from './api.js';

const USER = '00000000-0000-0000-0000-000000000001';
const BASE = 'http://x.test/api/v1';
const userBody = { id: USER, username: 'dev', display_name: null, timezone: 'UTC', language: 'en', created_at: '2025-01-01T00:00:00.000Z' };
const raw =
  (status: number, text: string): typeof fetch =>
  async () =>
    new Response(status === 204 ? null : text, { status });
const respond = (status: number, body: unknown) => raw(status, JSON.stringify(body));
const envelope = (error: string, message: string, details: { path: string; message: string }[] = []) => ({ error, message, details });

const failureOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiFailure);
  return err as ApiFailure;
};
const getUser = (f: typeof fetch, timeoutMs?: number) =>
  createApi({ baseUrl: BASE, fetch: f, ...(timeoutMs ? { timeoutMs } : {}) }).call('getUser', { params: { id: USER } });

interface Seen {
  url: string;
  init: RequestInit;
}
const recorder = (status = 200, body: unknown = userBody) => {
  const seen: Seen[] = [];
  const f: typeof fetch = async (input, init) => {
    seen.push({ url: String(input), init: init ?? {} });
    return new Response(JSON.stringify(body), { status });
  };
  return { seen, f };
};

describe('request building', () => {
  it('strips every trailing slash of the base and exposes it', () => {
    const api = createApi({ baseUrl: 'http://x.test/api/v1///', fetch: recorder().f });
    expect(api.baseUrl).toBe('http://x.test/api/v1');
  });

  it('encodes path parameters, drops undefined query values, and sends a GET without a body', async () => {
    const { seen, f } = recorder(200, { topics: [] });
    const api = createApi({ baseUrl: BASE, fetch: f });
    await api.call('listTopics', { query: { user_id: USER, skip: undefined } }).catch(() => undefined);
    expect(seen[0]!.url).toBe(`${BASE}/topics/?user_id=${USER}`);
    expect(seen[0]!.init.method).toBe('GET');
    expect(seen[0]!.init.headers).toEqual({ accept: 'application/json' });
    expect('body' in seen[0]!.init).toBe(false);
    expect(seen[0]!.init.signal).toBeInstanceOf(AbortSignal);

    const g = recorder();
    await createApi({ baseUrl: BASE, fetch: g.f })
      .call('getUser', { params: { id: 'a b/c' } })
      .catch(() => undefined);
    expect(g.seen[0]!.url).toBe(`${BASE}/users/a%20b%2Fc`);
    const h = recorder();
    await createApi({ baseUrl: BASE, fetch: h.f }).call('getUser', { params: { id: USER } });
    expect(h.seen[0]!.url).toBe(`${BASE}/users/${USER}`);
  });

  it('sends a JSON body with its content type and the caller headers', async () => {
    const { seen, f } = recorder(200, {});
    const body = { user_id: USER, message: 'hello' };
    await createApi({ baseUrl: BASE, fetch: f })
      .call('chatMessage', { body, headers: { 'idempotency-key': 'k-1' } })
      .catch(() => undefined);
    expect(seen[0]!.url).toBe(`${BASE}/chat/message`);
    expect(seen[0]!.init.method).toBe('POST');
    expect(seen[0]!.init.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': 'k-1' });
    expect(seen[0]!.init.body).toBe(JSON.stringify(body));
  });

  it('refuses to call without a path parameter', async () => {
    const { seen, f } = recorder();
    const err = await createApi({ baseUrl: BASE, fetch: f })
      .call('getUser', {})
      .then(
        () => new Error('resolved'),
        (e: unknown) => e as Error,
      );
    expect(err.message).toContain('getUser: missing path parameter id');
    expect(seen).toHaveLength(0);
  });
});

describe('network failures', () => {
  it('names a timeout, also when it is the cause', async () => {
    const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const direct = await failureOf(
      getUser(async () => {
        throw timeout();
      }, 1234),
    );
    expect(direct.message).toBe('GET /api/v1/users/{id}: no answer within 1234 ms');
    expect([direct.kind, direct.retryable, direct.status, direct.code, direct.route]).toEqual([
      'network',
      true,
      undefined,
      undefined,
      'getUser',
    ]);
    const wrapped = await failureOf(
      getUser(async () => {
        throw new TypeError('fetch failed', { cause: timeout() });
      }),
    );
    expect(wrapped.message).toBe('GET /api/v1/users/{id}: no answer within 30000 ms');
  });

  it('looks at most four causes deep', async () => {
    let e: Error = Object.assign(new Error('t'), { name: 'TimeoutError' });
    for (let i = 0; i < 4; i++) e = new Error(`wrap${i}`, { cause: e });
    const deep = await failureOf(
      getUser(async () => {
        throw e;
      }),
    );
    expect(deep.message).not.toContain('no answer');
    expect(deep.message).toBe('GET /api/v1/users/{id}: wrap3 (wrap2)');
    let e3: Error = Object.assign(new Error('t'), { name: 'TimeoutError' });
    for (let i = 0; i < 3; i++) e3 = new Error(`wrap${i}`, { cause: e3 });
    const found = await failureOf(
      getUser(async () => {
        throw e3;
      }, 50),
    );
    expect(found.message).toBe('GET /api/v1/users/{id}: no answer within 50 ms');
  });

  it('appends the cause code, else the cause message', async () => {
    const refused = await failureOf(
      getUser(async () => {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
      }),
    );
    expect(refused.message).toBe('GET /api/v1/users/{id}: fetch failed (ECONNREFUSED)');
    const other = await failureOf(
      getUser(async () => {
        throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      }),
    );
    expect(other.message).toBe('GET /api/v1/users/{id}: fetch failed (socket hang up)');
    const plain = await failureOf(
      getUser(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    expect(plain.message).toBe('GET /api/v1/users/{id}: fetch failed');
    const notError = await failureOf(
      getUser(async () => {
        throw 'boom';
      }),
    );
    expect(notError.message).toBe('GET /api/v1/users/{id}: boom');
  });

  it('a body that cannot be read is a network failure too', async () => {
    const f: typeof fetch = async () =>
      ({
        status: 200,
        text: async () => {
          throw new Error('terminated');
        },
      }) as unknown as Response;
    const err = await failureOf(getUser(f));
    expect([err.kind, err.message]).toEqual(['network', 'GET /api/v1/users/{id}: terminated']);
  });
});

describe('answers', () => {
  it('returns status and parsed body on success; an empty 204 is null', async () => {
    expect(await getUser(respond(200, userBody))).toEqual({ status: 200, body: userBody });
    const del = await createApi({ baseUrl: BASE, fetch: raw(204, '') }).call('deleteEntry', {
      params: { id: USER },
      query: { user_id: USER },
    });
    expect(del).toEqual({ status: 204, body: null });
  });

  it('a success status with a bad body is a contract failure naming the paths', async () => {
    const err = await failureOf(getUser(respond(200, { ...userBody, timezone: 5, language: undefined })));
    expect([err.kind, err.status, err.retryable]).toEqual(['contract', 200, false]);
    expect(err.message).toMatch(
      /^GET \/api\/v1\/users\/\{id\} answered 200 with a body that breaks the contract: timezone .+; language .+$/,
    );
    const root = await failureOf(getUser(raw(200, 'not json')));
    expect(root.message).toMatch(/^GET \/api\/v1\/users\/\{id\} answered 200 with a body that breaks the contract: \(root\) /);
  });

  it('formats the error envelope with and without details', async () => {
    const withDetails = await failureOf(
      getUser(
        respond(
          404,
          envelope('user_not_found', 'no such user', [
            { path: 'id', message: 'not found' },
            { path: 'x', message: 'y' },
          ]),
        ),
      ),
    );
    expect(withDetails.message).toBe('GET /api/v1/users/{id} answered 404 user_not_found: no such user (id: not found; x: y)');
    expect([withDetails.kind, withDetails.status, withDetails.code, withDetails.retryable]).toEqual([
      'client',
      404,
      'user_not_found',
      false,
    ]);
    const bare = await failureOf(getUser(respond(422, envelope('validation_error', 'invalid'))));
    expect(bare.message).toBe('GET /api/v1/users/{id} answered 422 validation_error: invalid');
  });

  it('classifies by status: 5xx server, 4xx client, anything else contract', async () => {
    const kinds = async (status: number) => {
      const e = await failureOf(getUser(respond(status, envelope('internal_error', 'm'))));
      return [e.kind, e.retryable];
    };
    expect(await kinds(500)).toEqual(['server', true]);
    expect(await kinds(599)).toEqual(['server', true]);
    expect(await kinds(499)).toEqual(['client', false]);
    expect(await kinds(400)).toEqual(['client', false]);
    expect(await kinds(429)).toEqual(['client', true]);
    expect(await kinds(302)).toEqual(['contract', false]);
    expect(await kinds(201)).toEqual(['contract', false]);
  });

  it('without the envelope: keeps the classification and quotes at most 200 characters', async () => {
    const short = await failureOf(getUser(raw(502, '<html>bad gateway</html>')));
    expect(short.message).toBe('GET /api/v1/users/{id} answered 502 without the error envelope: <html>bad gateway</html>');
    expect([short.kind, short.status, short.code, short.retryable]).toEqual(['server', 502, undefined, true]);
    const exact = 'a'.repeat(200);
    expect((await failureOf(getUser(raw(404, exact)))).message).toBe(
      `GET /api/v1/users/{id} answered 404 without the error envelope: ${exact}`,
    );
    const long = `${'b'.repeat(200)}c`;
    const cut = await failureOf(getUser(raw(400, long)));
    expect(cut.message).toBe(`GET /api/v1/users/{id} answered 400 without the error envelope: ${'b'.repeat(200)}…`);
    expect([cut.kind, cut.retryable]).toEqual(['client', false]);
    const empty = await failureOf(getUser(raw(418, '')));
    expect(empty.message).toBe('GET /api/v1/users/{id} answered 418 without the error envelope: ');
  });

  it('retries a 409 only for an idempotency conflict that is still in progress', async () => {
    const body = { user_id: USER, message: 'hello' };
    const chat = async (env: unknown) =>
      (await failureOf(createApi({ baseUrl: BASE, fetch: respond(409, env) }).call('chatMessage', { body }))).retryable;
    expect(
      await chat(
        envelope('idempotency_conflict', 'x', [
          { path: 'a', message: 'other' },
          { path: 'k', message: 'in progress' },
        ]),
      ),
    ).toBe(true);
    expect(await chat(envelope('idempotency_conflict', 'x', [{ path: 'k', message: 'reused' }]))).toBe(false);
    expect(await chat(envelope('idempotency_conflict', 'x'))).toBe(false);
    expect(await chat(envelope('user_exists', 'x', [{ path: 'k', message: 'in progress' }]))).toBe(false);
    const e422 = await failureOf(
      createApi({
        baseUrl: BASE,
        fetch: respond(422, envelope('idempotency_conflict', 'x', [{ path: 'k', message: 'in progress' }])),
      }).call('chatMessage', { body }),
    );
    expect(e422.retryable).toBe(false);
  });
});
