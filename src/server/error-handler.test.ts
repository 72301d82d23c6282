import { Writable } from 'node:stream';
import Fastify, { errorCodes, type FastifyInstance, type InjectOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorEnvelope } from '../contract/errors.js';
import { UpdateEntryBody } from '../contract/entries.js';
import { freePort } from '../stack/ports.js';
import { ApiError, invalidField, notFound } from '../services/errors.js';
import { clientErrorHandler, errorHandler, protocolErrorResponse, toEnvelope } from './error-handler.js';

/** toEnvelope, checked against the contract's envelope schema on every call. */
function envelope(err: unknown) {
  const out = toEnvelope(err);
  expect(ErrorEnvelope.safeParse(out.body).success, JSON.stringify(out.body)).toBe(true);
  return out;
}

/**
 * Real validation failures, as Fastify hands them to the error handler: a bare app with the zod
 * compilers whose error handler keeps the error it got.
 */
async function validationErrorsApp() {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const caught: unknown[] = [];
  app.setErrorHandler((err, req, reply) => {
    caught.push(err);
    errorHandler(err, req, reply);
  });
  const ok = async () => ({});
  app.post(
    '/body',
    {
      schema: {
        body: z.object({
          code: z
            .string()
            .min(5)
            .regex(/^[A-Z]+$/),
          tags: z.array(z.string().min(1)).default([]),
          n: z.number().optional(),
        }),
      },
    },
    ok,
  );
  app.put('/update', { schema: { body: UpdateEntryBody } }, ok);
  app.get(
    '/q',
    {
      schema: {
        querystring: z
          .object({ a: z.string().optional(), b: z.string().optional() })
          .refine((q) => q.a !== undefined || q.b !== undefined, { message: 'needs a or b' }),
      },
    },
    ok,
  );
  app.get('/p/:id', { schema: { params: z.object({ id: z.guid() }) } }, ok);
  app.get('/h', { schema: { headers: z.looseObject({ 'x-key': z.string().max(3) }) } }, ok);
  await app.ready();
  return { app, caught };
}

describe('toEnvelope: API errors', () => {
  it('an ApiError keeps its status, code, message and details', () => {
    const details = [{ path: 'user_id', message: 'not found' }];
    expect(envelope(new ApiError(404, 'user_not_found', 'user x not found', details))).toEqual({
      status: 404,
      body: { error: 'user_not_found', message: 'user x not found', details },
    });
    expect(envelope(new ApiError(409, 'user_exists', 'taken'))).toEqual({
      status: 409,
      body: { error: 'user_exists', message: 'taken', details: [] },
    });
    expect(envelope(notFound('session_not_found', 'id', 'abc'))).toEqual({
      status: 404,
      body: { error: 'session_not_found', message: 'session abc not found', details: [{ path: 'id', message: 'not found' }] },
    });
    expect(envelope(invalidField('created_at', 'must not lie in the future'))).toEqual({
      status: 422,
      body: {
        error: 'validation_error',
        message: 'Invalid created_at: must not lie in the future',
        details: [{ path: 'created_at', message: 'must not lie in the future' }],
      },
    });
  });
});

describe('toEnvelope: request validation failures (real ones, from Fastify and the zod type provider)', () => {
  let app: FastifyInstance;
  let caught: unknown[];
  beforeAll(async () => {
    ({ app, caught } = await validationErrorsApp());
  });
  afterAll(() => app.close());

  async function failure(opts: InjectOptions) {
    caught.length = 0;
    const res = await app.inject(opts);
    expect(caught).toHaveLength(1);
    const out = envelope(caught[0]);
    // errorHandler sends exactly what toEnvelope made.
    expect(res.statusCode).toBe(out.status);
    expect(res.json()).toEqual(out.body);
    return { err: caught[0] as { validation: { instancePath: string; message?: string }[]; validationContext?: string }, out };
  }

  it('body: one detail per issue, each field named once in the message, nested paths dotted', async () => {
    const { out } = await failure({ method: 'POST', url: '/body', payload: { code: 'ab', tags: ['ok', ''], n: 'x' } });
    expect(out.status).toBe(422);
    expect(out.body.error).toBe('validation_error');
    expect(out.body.message).toBe('Invalid request body: code, tags.1, n');
    expect(out.body.details.map((d) => d.path)).toEqual(['code', 'code', 'tags.1', 'n']);
    for (const d of out.body.details) expect(d.message).not.toBe('');
    expect(out.body.details[0]!.message).toMatch(/>=5 characters/);
  });

  it('a missing body and an object-level refinement of the body name "body"', async () => {
    const missing = await failure({ method: 'POST', url: '/body' });
    expect(missing.out).toEqual({
      status: 422,
      body: { error: 'validation_error', message: 'Invalid request body: body', details: [{ path: 'body', message: expect.any(String) }] },
    });
    const unchanged = await failure({ method: 'PUT', url: '/update', payload: {} });
    expect(unchanged.out.body).toEqual({
      error: 'validation_error',
      message: 'Invalid request body: body',
      details: [{ path: 'body', message: 'must change at least one field' }],
    });
  });

  it('an object-level refinement of the query names "querystring"', async () => {
    const { out } = await failure({ method: 'GET', url: '/q' });
    expect(out.body).toEqual({
      error: 'validation_error',
      message: 'Invalid request querystring: querystring',
      details: [{ path: 'querystring', message: 'needs a or b' }],
    });
  });

  it('params and headers name their field', async () => {
    const params = await failure({ method: 'GET', url: '/p/nope' });
    expect(params.out.status).toBe(422);
    expect(params.out.body).toMatchObject({ message: 'Invalid request params: id', details: [{ path: 'id' }] });
    const headers = await failure({ method: 'GET', url: '/h', headers: { 'x-key': 'toolong' } });
    expect(headers.out.status).toBe(422);
    expect(headers.out.body).toMatchObject({ message: 'Invalid request headers: x-key', details: [{ path: 'x-key' }] });
  });

  it('a validation error without context or messages still yields a complete envelope', async () => {
    const { err } = await failure({ method: 'GET', url: '/p/nope' });
    const bare = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as object, err, {
      validationContext: undefined,
      validation: [{ ...err.validation[0]!, instancePath: '', message: undefined }],
    });
    const out = envelope(bare);
    expect(out.status).toBe(422);
    expect(out.body.details).toEqual([{ path: 'request', message: 'invalid' }]);
    expect(out.body.message).toMatch(/^Invalid request ?: request$/);
  });
});

describe('toEnvelope: body parsing failures', () => {
  const cases = [
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'invalid_json', 'The request body is not valid JSON', 'body', 'invalid JSON'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'invalid_json', 'The request body is not valid JSON', 'body', 'invalid JSON'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'payload_too_large', 'The request body is too large', 'body', 'too large'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'unsupported_media_type', 'Send the body as application/json', 'content-type', 'unsupported'],
    [
      'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
      400,
      'bad_request',
      'The request body does not match its Content-Length',
      'content-length',
      'does not match the body',
    ],
  ] as const;

  it.each(cases)("%s → %i %s, the detail carrying Fastify's message", (code, status, error, message, path) => {
    const err = new errorCodes[code]();
    expect(err.code).toBe(code);
    expect(envelope(err)).toEqual({ status, body: { error, message, details: [{ path, message: err.message }] } });
  });

  it.each(cases)('%s without a message still names what is wrong', (code, status, error, message, path, fallback) => {
    expect(envelope({ code })).toEqual({ status, body: { error, message, details: [{ path, message: fallback }] } });
  });
});

describe('toEnvelope: other client errors, outages and the rest', () => {
  it('any other 4xx error is a 400 in the envelope carrying its message', () => {
    const badUrl = new errorCodes.FST_ERR_BAD_URL('/x/%E0%A4%A');
    expect(envelope(badUrl)).toEqual({
      status: 400,
      body: { error: 'validation_error', message: badUrl.message, details: [{ path: 'request', message: badUrl.message }] },
    });
    for (const statusCode of [400, 404, 499]) {
      expect(envelope({ statusCode, message: 'nope' }).status, String(statusCode)).toBe(400);
    }
    expect(envelope({ statusCode: 405 })).toEqual({
      status: 400,
      body: { error: 'validation_error', message: 'Bad request', details: [{ path: 'request', message: 'bad request' }] },
    });
  });

  it('a status outside 4xx, or one that is not a number, is not a client error', () => {
    for (const statusCode of [399, 500, 503, '404']) {
      expect(envelope({ statusCode, message: 'x' }), String(statusCode)).toEqual({
        status: 500,
        body: { error: 'internal_error', message: 'Internal error', details: [] },
      });
    }
  });

  it('a refused database connection (a real one) is 503 database_unavailable', async () => {
    const port = await freePort();
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'x', password: 'x', database: 'x', connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    const err = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(envelope(err)).toEqual({
      status: 503,
      body: { error: 'database_unavailable', message: 'The database is unavailable; nothing was written. Retry later.', details: [] },
    });
  });

  it('anything else is a 500 internal_error that reveals nothing', () => {
    for (const err of [
      new Error('secret connection string'),
      new TypeError('x is undefined'),
      null,
      undefined,
      'boom',
      42,
      { code: 'FST_ERR_SOMETHING_ELSE' },
    ]) {
      expect(envelope(err)).toEqual({ status: 500, body: { error: 'internal_error', message: 'Internal error', details: [] } });
    }
  });
});

describe('errorHandler', () => {
  const lines: { level: number; msg: string; err?: { message: string } }[] = [];
  let app: FastifyInstance;
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        done();
      },
    });
    app = Fastify({ logger: { level: 'error', stream } });
    app.setErrorHandler(errorHandler);
    const port = await freePort();
    app.get('/api-error', async () => {
      throw new ApiError(404, 'user_not_found', 'user u not found', [{ path: 'id', message: 'not found' }]);
    });
    app.get('/bug', async () => {
      throw new Error('a bug');
    });
    app.get('/no-reason', async () => Promise.reject(undefined));
    app.get('/db-down', async () => {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'x', password: 'x', database: 'x' });
      client.on('error', () => undefined);
      await client.connect();
      return {};
    });
    await app.ready();
  });
  afterAll(() => app.close());

  async function get(url: string) {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    return { status: res.statusCode, body: ErrorEnvelope.parse(res.json()), logged: [...lines] };
  }

  it('sends the envelope as JSON with its status, and logs nothing for a client error', async () => {
    expect(await get('/api-error')).toEqual({
      status: 404,
      body: { error: 'user_not_found', message: 'user u not found', details: [{ path: 'id', message: 'not found' }] },
      logged: [],
    });
  });

  it('logs server-side failures (500 and 503) with the error, without putting it in the response', async () => {
    const bug = await get('/bug');
    expect(bug.status).toBe(500);
    expect(bug.body).toEqual({ error: 'internal_error', message: 'Internal error', details: [] });
    expect(bug.logged).toEqual([
      expect.objectContaining({ level: 50, msg: 'request failed', err: expect.objectContaining({ message: 'a bug' }) }),
    ]);

    const noReason = await get('/no-reason');
    expect(noReason.status).toBe(500);
    expect(noReason.body).toEqual({ error: 'internal_error', message: 'Internal error', details: [] });

    const down = await get('/db-down');
    expect(down.status).toBe(503);
    expect(down.body.error).toBe('database_unavailable');
    expect(down.logged).toEqual([expect.objectContaining({ level: 50, msg: 'request failed' })]);
  });
});

describe('protocol errors (clientErrorHandler): the envelope on the raw socket', () => {
  const read = (raw: string) => {
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.split(':')[0]!.toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    return { statusLine, headers, body: ErrorEnvelope.parse(JSON.parse(body)), length: Buffer.byteLength(body) };
  };

  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 'HTTP/1.1 408 Request Timeout', 'request_timeout', 'body'],
    ['HPE_HEADER_OVERFLOW', 'HTTP/1.1 431 Request Header Fields Too Large', 'headers_too_large', 'headers'],
    ['HPE_INVALID_CONTENT_LENGTH', 'HTTP/1.1 400 Bad Request', 'bad_request', 'request'],
    [undefined, 'HTTP/1.1 400 Bad Request', 'bad_request', 'request'],
  ] as const)('%s → %s', (code, statusLine, error, path) => {
    const r = read(protocolErrorResponse({ code }));
    expect(r.statusLine).toBe(statusLine);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers.connection).toBe('close');
    expect(Number(r.headers['content-length'])).toBe(r.length);
    expect(r.body.error).toBe(error);
    expect(r.body.details).toEqual([{ path, message: expect.any(String) }]);
    if (code === 'HPE_INVALID_CONTENT_LENGTH') expect(r.body.details[0]?.message).toBe(code);
  });

  it('writes the answer and closes a writable socket; a reset or destroyed one is left alone', () => {
    const written: string[] = [];
    let destroyed = 0;
    const socket = (over: Record<string, unknown>) =>
      ({ writable: true, destroyed: false, write: (s: string) => written.push(s), destroy: () => destroyed++, ...over }) as never;
    clientErrorHandler(Object.assign(new Error('bad'), { code: 'HPE_INVALID_METHOD' }), socket({}));
    expect([written.length, destroyed]).toEqual([1, 1]);
    expect(written[0]).toMatch(/^HTTP\/1\.1 400 /);
    clientErrorHandler(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket({}));
    clientErrorHandler(new Error('gone'), socket({ destroyed: true }));
    expect([written.length, destroyed]).toEqual([1, 1]);
    clientErrorHandler(new Error('half-closed'), socket({ writable: false }));
    expect([written.length, destroyed]).toEqual([1, 2]);
  });
});
