import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorEnvelope } from '../contract/errors.js';
import type { RouteSpec } from '../contract/routes.js';
import { errorHandler } from './error-handler.js';
import { answer, register, type Answer } from './register.js';

// register() over synthetic routes on a bare Fastify instance: the route table's real routes cannot return
// every shape a handler may (a bare string, null, an object that merely looks like an Answer).

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function bareApp(): { app: FastifyInstance; schemas: NonNullable<RouteOptions['schema']>[] } {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  const schemas: NonNullable<RouteOptions['schema']>[] = [];
  app.addHook('onRoute', (r) => {
    if (r.method !== 'HEAD') schemas.push(r.schema ?? {});
  });
  apps.push(app);
  return { app, schemas };
}

const Thing = z.object({ status: z.string(), body: z.string(), a: z.number(), b: z.number() });
const Params = z.object({ id: z.string().min(2) });
const Query = z.object({ n: z.coerce.number().int().default(7) });
const Body = z.object({ name: z.string(), tags: z.array(z.string()).default([]) });
const Headers = z.looseObject({ 'x-key': z.string().optional() });

const spec = <const R extends Omit<RouteSpec, 'operationId' | 'summary'>>(r: R) => ({ operationId: 'x', summary: 'x', ...r });

describe('register() attaches the contract schemas of a route', () => {
  it('success statuses with their schemas, every error status with the envelope, and only the input schemas the route has', async () => {
    const { app, schemas } = bareApp();
    const Ok = z.object({ ok: z.boolean() });
    register(
      app,
      spec({
        method: 'POST',
        path: '/full/{id}',
        params: Params,
        querystring: Query,
        body: Body,
        headers: Headers,
        success: { 201: Ok, 200: Ok },
        errors: [404, 422],
      }),
      async () => ({ ok: true }),
    );
    register(app, spec({ method: 'GET', path: '/bare', success: { 200: Ok }, errors: [] }), async () => ({ ok: true }));
    await app.ready();

    expect(schemas).toHaveLength(2);
    const [full, bare] = schemas as [Record<string, unknown>, Record<string, unknown>];
    expect(Object.keys(full).sort()).toEqual(['body', 'headers', 'params', 'querystring', 'response']);
    expect(full.params).toBe(Params);
    expect(full.querystring).toBe(Query);
    expect(full.body).toBe(Body);
    expect(full.headers).toBe(Headers);
    const response = full.response as Record<string, unknown>;
    expect(Object.keys(response).sort()).toEqual(['200', '201', '404', '422']);
    expect(response[200]).toBe(Ok);
    expect(response[201]).toBe(Ok);
    expect(response[404]).toBe(ErrorEnvelope);
    expect(response[422]).toBe(ErrorEnvelope);

    expect(Object.keys(bare)).toEqual(['response']);
    expect(bare.response).toEqual({ 200: Ok });
  });

  it('serves the route under Fastify path syntax', async () => {
    const { app } = bareApp();
    register(
      app,
      spec({
        method: 'GET',
        path: '/things/{id}/parts/{part}',
        success: { 200: z.object({ id: z.string(), part: z.string() }) },
        errors: [],
      }),
      async (_input, req) => req.params as { id: string; part: string },
    );
    const res = await app.inject({ method: 'GET', url: '/things/abc/parts/def' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'abc', part: 'def' });
  });
});

describe('register() hands the handler the validated input', () => {
  it('params, query, body and headers as the schemas produced them (coerced, defaulted)', async () => {
    const { app } = bareApp();
    const seen: unknown[] = [];
    register(
      app,
      spec({
        method: 'POST',
        path: '/x/{id}',
        params: Params,
        querystring: Query,
        body: Body,
        headers: Headers,
        success: { 200: z.object({ ok: z.boolean() }) },
        errors: [422],
      }),
      async (input) => {
        seen.push(input);
        return { ok: true };
      },
    );
    const res = await app.inject({ method: 'POST', url: '/x/ab?n=3', payload: { name: 'n' }, headers: { 'x-key': 'k' } });
    expect(res.statusCode).toBe(200);
    expect(seen).toEqual([
      { params: { id: 'ab' }, query: { n: 3 }, body: { name: 'n', tags: [] }, headers: expect.objectContaining({ 'x-key': 'k' }) },
    ]);
    const defaulted = await app.inject({ method: 'POST', url: '/x/ab', payload: { name: 'n' } });
    expect(defaulted.statusCode).toBe(200);
    expect(seen[1]).toMatchObject({ query: { n: 7 } });
  });

  it('invalid input never reaches the handler', async () => {
    const { app } = bareApp();
    let calls = 0;
    register(
      app,
      spec({ method: 'POST', path: '/x/{id}', params: Params, body: Body, success: { 200: z.object({ ok: z.boolean() }) }, errors: [422] }),
      async () => {
        calls++;
        return { ok: true };
      },
    );
    const res = await app.inject({ method: 'POST', url: '/x/a', payload: { name: 'n' } });
    expect(res.statusCode).toBe(422);
    expect(ErrorEnvelope.parse(res.json())).toMatchObject({ error: 'validation_error', details: [{ path: 'id' }] });
    expect(calls).toBe(0);
  });
});

describe('register() turns a handler result into the response', () => {
  async function serve(success: RouteSpec['success'], result: unknown) {
    const { app } = bareApp();
    register(app, spec({ method: 'GET', path: '/r', success, errors: [] }), async () => result);
    return app.inject({ method: 'GET', url: '/r' });
  }

  it("a plain result is sent with the route's (lowest) success status", async () => {
    const created = await serve({ 201: z.object({ v: z.number() }) }, { v: 1 });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ v: 1 });
    // Integer keys enumerate in ascending order, whatever order the table wrote them in.
    const either = await serve({ 201: z.object({ v: z.number() }), 200: z.object({ v: z.number() }) }, { v: 1 });
    expect(either.statusCode).toBe(200);
  });

  it('an Answer is unwrapped into its status and body', async () => {
    const res = await serve({ 200: z.object({ v: z.number() }), 201: z.object({ v: z.number() }) }, answer(201, { v: 2 }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ v: 2 });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('an Answer with a type sets the content type', async () => {
    const res = await serve({ 200: z.string() }, answer(200, '# hello', 'text/markdown; charset=utf-8'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.body).toBe('# hello');
  });

  it('a null body (Answer or plain) is sent as no body at all, not as "null"', async () => {
    const viaAnswer = await serve({ 200: z.null() }, answer(200, null));
    expect(viaAnswer.statusCode).toBe(200);
    expect(viaAnswer.body).toBe('');
    const plain = await serve({ 200: z.null() }, null);
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe('');
  });

  it('a plain string result is sent as it is', async () => {
    const res = await serve({ 200: z.string() }, 'just text');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('just text');
  });

  it('data that merely has status and body fields is data, not an Answer', async () => {
    const fourKeys = { status: 'active', body: 'text', a: 1, b: 2 };
    const res = await serve({ 200: Thing }, fourKeys);
    expect(res.statusCode).toBe(200);
    expect(Thing.parse(res.json())).toEqual(fourKeys);

    const onlyStatus = await serve({ 200: z.object({ status: z.literal('ok') }) }, { status: 'ok' });
    expect(onlyStatus.statusCode).toBe(200);
    expect(onlyStatus.json()).toEqual({ status: 'ok' });

    const onlyBody = await serve({ 200: z.object({ body: z.string() }) }, { body: 'b' });
    expect(onlyBody.statusCode).toBe(200);
    expect(onlyBody.json()).toEqual({ body: 'b' });
  });
});

describe('answer()', () => {
  it('carries a type only when one is given', () => {
    const plain: Answer = answer(201, { v: 1 });
    expect(Object.keys(plain)).toEqual(['status', 'body']);
    expect(plain).toEqual({ status: 201, body: { v: 1 } });
    expect(answer(200, 'x', 'text/plain')).toEqual({ status: 200, body: 'x', type: 'text/plain' });
  });
});
