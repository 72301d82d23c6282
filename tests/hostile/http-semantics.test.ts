import { newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { runTarget } from '../../helpers/deployment/run.js';
import { documentHas, skipUnoffered } from '../../helpers/judge.js';
import { useStack } from '../../helpers/stack.js';
import { ErrorEnvelope } from '../../src/contract/errors.js';
import { routeList } from '../../src/contract/routes.js';
import { envelopeOf, rawExchange } from './raw-http.js';

// HTTP semantics (issue 11, "What must exist") and finding 18: a method a path does not support is 405
// with `Allow`; protocol errors are answered in the one envelope; an empty body with a JSON type is no body.
// HTTP itself is owed by any deployment (RFC 9110: a 405 MUST carry Allow listing the methods the resource
// supports; RFC 9112: a message that is not HTTP/1.1 is a 400); the envelope and wording are our contract.
const stack = useStack();
const strict = () => stack.api.conformance === 'strict';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const samplePath = (p: string) => p.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');

describe('405 with Allow for a method a path does not support', () => {
  const byPath = new Map<string, Set<string>>();
  for (const r of routeList) (byPath.get(r.path) ?? byPath.set(r.path, new Set()).get(r.path)!).add(r.method);

  it('every path of the route table, every method it lacks', async () => {
    let judged = 0;
    for (const [path, ours] of byPath) {
      // At the behaviour level, the methods the target's own document gives the path (a path it lacks is not judged).
      const methods = strict() ? ours : new Set(METHODS.filter((m) => documentHas(m, path)));
      if (!methods.size) continue;
      judged++;
      const allowed = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].sort();
      for (const method of METHODS.filter((m) => !methods.has(m))) {
        const res = await runTarget().fetch(`${stack.apiUrl}${samplePath(path)}`, { method });
        const what = `${method} ${path}`;
        expect(res.status, what).toBe(405);
        const allow = res.headers.get('allow')?.split(/,\s*/).sort() ?? [];
        if (!strict()) {
          // Every method the resource supports, and not the one refused (HEAD and OPTIONS are the server's own).
          expect(allow, `${what}: Allow`).not.toContain(method);
          expect(
            allow.filter((m) => m !== 'HEAD' && m !== 'OPTIONS'),
            `${what}: Allow lists the methods its document gives the path`,
          ).toEqual([...methods].sort());
          continue;
        }
        expect(allow, what).toEqual(allowed);
        const e = ErrorEnvelope.parse(await res.json());
        expect(e.error, what).toBe('method_not_allowed');
        expect(e.details, what).toEqual([{ path: 'method', message: expect.stringContaining(allowed.join(', ')) }]);
      }
    }
    expect(judged, 'paths of the route table the target has').toBeGreaterThan(0);
  });

  it('a path no route has is still 404, with or without a trailing slash', async () => {
    for (const url of ['/api/v1/nope', '/api/v1/users/x/y', '/api/v1/chat/']) {
      const res = await runTarget().fetch(`${stack.apiUrl}${url}`, { method: 'PATCH' });
      expect(res.status, url).toBe(404);
      if (strict()) expect(ErrorEnvelope.parse(await res.json()).error).toBe('route_not_found');
    }
    // Our paths answer with or without the slash; a target may redirect to its own spelling instead.
    const slash = await runTarget().fetch(`${stack.apiUrl}/api/v1/chat/modes/`, { method: 'POST', redirect: 'manual' });
    if (strict()) expect(slash.status).toBe(405);
    else expect([301, 302, 307, 308, 404, 405], 'POST /api/v1/chat/modes/').toContain(slash.status);
  });
});

describe('#18 protocol errors in the envelope; an empty JSON body is no body', () => {
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
      // RFC 9112 6.1: a server MAY instead process Content-Length with Transfer-Encoding by the latter alone
      // (then it is an ordinary request: any answer but a 5xx). Our contract refuses it.
      if (what === 'CL and TE' && !strict() && r.status !== 400) {
        expect(r.status, what).not.toBeNull();
        expect(r.status!, what).toBeLessThan(500);
        continue;
      }
      expect(r.status, what).toBe(400);
      expect(r.closed, what).toBe(true);
      if (strict()) expect(envelopeOf(r), what).toMatchObject({ error: 'bad_request', details: [{ path: 'request' }] });
    }
  });

  it('DELETE with Content-Type: application/json and no body is a DELETE', async (ctx) => {
    skipUnoffered(stack.api, ctx, 'createTopic', 'deleteTopic', 'getTopic');
    const { got: u } = await newUser(stack.api);
    const t = await stack.api.ok('createTopic', { body: { user_id: u.id, name: `to delete ${u.id}` } }, 201);
    // The client reads the answer by the target's own document: a success it declares (ours: 204).
    const del = await stack.api.call('deleteTopic', {
      params: { id: t.id },
      query: { user_id: u.id },
      headers: { 'content-type': 'application/json' },
    });
    expect(del.ok, `DELETE answered ${del.status}: ${JSON.stringify(del.body)}`).toBe(true);
    if (strict()) expect(del.status).toBe(204);
    const gone = await stack.api.fail('getTopic', { params: { id: t.id }, query: { user_id: u.id } }, 404);
    if (strict()) expect(gone).toMatchObject({ error: 'topic_not_found' });
  });
});
