import { newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { ErrorEnvelope } from '../../src/contract/errors.js';
import { routeList } from '../../src/contract/routes.js';
import { envelopeOf, rawExchange } from './raw-http.js';

// HTTP semantics (issue 11, "What must exist") and finding 18: a method a path does not support is 405
// with `Allow`; protocol errors are answered in the one envelope; an empty body with a JSON type is no body.
const stack = useStack();

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const samplePath = (p: string) => p.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');

describe('405 with Allow for a method a path does not support', { meta: { level: 'strict' } }, () => {
  const byPath = new Map<string, Set<string>>();
  for (const r of routeList) (byPath.get(r.path) ?? byPath.set(r.path, new Set()).get(r.path)!).add(r.method);

  it('every path of the route table, every method it lacks', async () => {
    for (const [path, methods] of byPath) {
      const allowed = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].sort();
      for (const method of METHODS.filter((m) => !methods.has(m))) {
        const res = await fetch(`${stack.apiUrl}${samplePath(path)}`, { method });
        const what = `${method} ${path}`;
        expect(res.status, what).toBe(405);
        expect(res.headers.get('allow')?.split(/,\s*/).sort(), what).toEqual(allowed);
        const e = ErrorEnvelope.parse(await res.json());
        expect(e.error, what).toBe('method_not_allowed');
        expect(e.details, what).toEqual([{ path: 'method', message: expect.stringContaining(allowed.join(', ')) }]);
      }
    }
  });

  it('a path no route has is still 404, with or without a trailing slash', async () => {
    for (const url of ['/api/v1/nope', '/api/v1/users/x/y', '/api/v1/chat/']) {
      const res = await fetch(`${stack.apiUrl}${url}`, { method: 'PATCH' });
      expect(res.status, url).toBe(404);
      expect(ErrorEnvelope.parse(await res.json()).error).toBe('route_not_found');
    }
    const slash = await fetch(`${stack.apiUrl}/api/v1/chat/modes/`, { method: 'POST' });
    expect(slash.status).toBe(405);
  });
});

describe('#18 protocol errors in the envelope; an empty JSON body is no body', { meta: { level: 'strict' } }, () => {
  const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

  it('bad Content-Length, Content-Length with Transfer-Encoding, NUL in the path, junk → 400 envelope', async () => {
    const host = `Host: ${new URL(stack.apiUrl).host}`;
    const cases = {
      'bad content-length': head(['POST /api/v1/users/ HTTP/1.1', host, 'Content-Type: application/json', 'Content-Length: abc']),
      'CL and TE': `${head(['POST /api/v1/users/ HTTP/1.1', host, 'Content-Type: application/json', 'Content-Length: 5', 'Transfer-Encoding: chunked'])}0\r\n\r\n`,
      'NUL in path': head([`GET /api/v1/users/\u0000 HTTP/1.1`, host]),
      'not HTTP': 'HELLO THERE\r\n\r\n',
    };
    for (const [what, bytes] of Object.entries(cases)) {
      const r = await rawExchange(stack.apiUrl, bytes);
      expect(r.status, what).toBe(400);
      expect(r.closed, what).toBe(true);
      expect(envelopeOf(r), what).toMatchObject({ error: 'bad_request', details: [{ path: 'request' }] });
    }
  });

  it('DELETE with Content-Type: application/json and no body is a DELETE', async () => {
    const { got: u } = await newUser(stack.api);
    const t = await stack.api.ok('createTopic', { body: { user_id: u.id, name: 'to delete' } }, 201);
    const res = await fetch(`${stack.apiUrl}/api/v1/topics/${t.id}?user_id=${u.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(204);
    expect(await stack.api.fail('getTopic', { params: { id: t.id }, query: { user_id: u.id } }, 404)).toMatchObject({
      error: 'topic_not_found',
    });
  });
});
