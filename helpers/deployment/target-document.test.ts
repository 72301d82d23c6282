import { describe, expect, it } from 'vitest';
import { readBehaviour } from './behaviour-answers.js';
import { TargetDocument } from './target-document.js';

const doc = await TargetDocument.from('test', {
  openapi: '3.1.0',
  paths: {
    '/api/v1/entries/': {
      post: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Entry' } } } }, '422': {} } },
    },
    '/api/v1/entries/{entry_id}': { get: { responses: { '200': {} } }, delete: { responses: { '200': {} } } },
    '/api/v1/entries/analytics/mood': {
      get: { responses: { '200': { content: { 'application/json': { schema: { type: 'object' } } } } } },
    },
  },
  components: {
    schemas: {
      Entry: {
        type: 'object',
        properties: { id: { type: 'string' }, mood: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
        required: ['id'],
      },
    },
  },
});
const route = (method: string, path: string) => ({ method, path, operationId: 'x' });

describe("the target's own OpenAPI document", () => {
  it('matches our route templates to its paths whatever the parameter names, literals first', () => {
    expect(doc.operation('GET', '/api/v1/entries/{id}')?.path).toBe('/api/v1/entries/{entry_id}');
    expect(doc.operation('GET', '/api/v1/entries/analytics/mood')?.path).toBe('/api/v1/entries/analytics/mood');
    expect(doc.operation('POST', '/api/v1/entries')?.path).toBe('/api/v1/entries/');
    expect(doc.operation('GET', '/api/v1/users/')).toBeUndefined();
  });

  it('accepts a 2xx it declares, with a body meeting its schema', () => {
    expect(
      readBehaviour(doc, route('POST', '/api/v1/entries/'), 200, 'application/json', '{"id":"a","mood":null,"extra":1}'),
    ).toMatchObject({
      kind: 'success',
      body: { id: 'a', extra: 1 },
    });
    expect(readBehaviour(doc, route('DELETE', '/api/v1/entries/{id}'), 200, 'application/json', '{"message":"ok"}').kind).toBe('success');
  });

  it('rejects a 2xx it does not declare, a body off its schema, a 500 and a redirect', () => {
    expect(readBehaviour(doc, route('POST', '/api/v1/entries/'), 201, 'application/json', '{"id":"a"}')).toMatchObject({
      kind: 'violation',
      message: expect.stringContaining('declares 200'),
    });
    expect(readBehaviour(doc, route('POST', '/api/v1/entries/'), 200, 'application/json', '{"mood":1}')).toMatchObject({
      kind: 'violation',
      message: expect.stringContaining("target's own schema"),
    });
    expect(readBehaviour(doc, route('GET', '/api/v1/entries/{id}'), 500, 'application/json', '{"detail":"boom"}').kind).toBe('violation');
    expect(readBehaviour(doc, route('GET', '/api/v1/entries/{id}'), 307, 'text/plain', '').kind).toBe('violation');
  });

  it('reads errors tolerantly, and judges a route it does not document on status class alone', () => {
    expect(readBehaviour(doc, route('GET', '/api/v1/entries/{id}'), 404, 'application/json', '{"detail":"Entry not found"}')).toMatchObject(
      {
        kind: 'error',
        body: { message: 'Entry not found' },
      },
    );
    expect(readBehaviour(null, route('POST', '/api/v1/users/'), 201, 'application/json', '{"id":"u"}').kind).toBe('success');
    expect(readBehaviour(doc, route('GET', '/api/v1/entries/{id}'), 503, 'application/json', '{}').kind).toBe('error');
  });
});

describe('schemas per method', () => {
  it('keeps GET and POST of one path apart, and reads format as an annotation', async () => {
    const d = await TargetDocument.from('t', {
      openapi: '3.1.0',
      paths: {
        '/a/': {
          get: { responses: { '200': { content: { 'application/json': { schema: { type: 'array' } } } } } },
          post: {
            responses: {
              '200': {
                content: {
                  'application/json': { schema: { type: 'object', properties: { at: { type: 'string', format: 'date-time' } } } },
                },
              },
            },
          },
        },
      },
    });
    const post = d.operation('POST', '/a/')!;
    const get = d.operation('GET', '/a/')!;
    expect(d.check(post, 200, { at: '2026-01-01T00:00:00' })).toEqual([]);
    expect(d.check(get, 200, [])).toEqual([]);
    expect(d.check(post, 200, [])).not.toEqual([]);
  });
});

describe('input fields of the target', () => {
  const loading = TargetDocument.from('t', {
    openapi: '3.1.0',
    paths: {
      '/e/{entry_id}': {
        get: {
          parameters: [
            { name: 'entry_id', in: 'path', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
          ],
          responses: {},
        },
      },
      '/e/': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/In' } } } }, responses: {} } },
    },
    components: { schemas: { In: { type: 'object', properties: { title: { type: 'string' } } } } },
  });

  it('finds query, path (by position when named otherwise) and body fields, and nothing it does not declare', async () => {
    const d = await loading;
    const get = d.operation('GET', '/e/{id}')!;
    expect(d.inputField(get, 'query', 'limit')!.accepts(0)).toBe(false);
    expect(d.inputField(get, 'params', 'id')!.accepts('x')).toBe(true);
    expect(d.inputField(get, 'query', 'user_id')).toBeUndefined();
    const post = d.operation('POST', '/e/')!;
    expect(d.inputField(post, 'body', 'title')!.accepts(5)).toBe(false);
    expect(d.inputField(post, 'body', 'created_at')).toBeUndefined();
  });

  it('reports a schema it cannot compile (a cycle left as a $ref) and judges that answer on status only', async () => {
    const d = await TargetDocument.from('t', {
      openapi: '3.1.0',
      paths: {
        '/t/': { get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Tree' } } } } } } },
      },
      components: {
        schemas: { Tree: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/components/schemas/Tree' } } } } },
      },
    });
    expect(d.check(d.operation('GET', '/t/')!, 200, { kids: 5 })).toEqual([]);
    expect([...d.unchecked.values()].join()).toMatch(/cannot compile/);
  });
});

describe('statuses our contract answers with a body', () => {
  it('reads a readiness 503 as the readiness answer, not as an error', () => {
    const r = readBehaviour(
      null,
      { method: 'GET', path: '/api/v1/health/', operationId: 'readiness', success: { 200: 1, 503: 1 } },
      503,
      'application/json',
      '{"status":"unhealthy"}',
    );
    expect(r).toMatchObject({ kind: 'success', body: { status: 'unhealthy' } });
  });
});
