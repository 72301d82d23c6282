import { describe, expect, it } from 'vitest';
import { ApiClient, ContractViolation, parseReply, undocumentedKeys } from './api.js';

describe('the API client catches contract drift', () => {
  it('names keys the schema does not describe, at any depth', () => {
    expect(undocumentedKeys({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2 } })).toEqual(['b.d']);
    expect(undocumentedKeys([{ a: 1, x: 2 }], [{ a: 1 }])).toEqual(['[0].x']);
    expect(undocumentedKeys({ a: 1 }, { a: 1 })).toEqual([]);
  });
  it('rejects a success body with an undocumented field and an error body outside the envelope', () => {
    expect(() => parseReply('liveness', 200, 'application/json', '{"status":"ok","service_uptime":5}', {})).toThrow(ContractViolation);
    expect(() => parseReply('liveness', 404, 'application/json', '{"detail":"nope"}', {})).toThrow('not the envelope');
    expect(() => parseReply('getUser', 500, 'application/json', '{"error":"internal_error","message":"x","details":[]}', {})).toThrow(
      'answered 500',
    );
  });
  it('accepts a documented body', () => {
    expect(parseReply('liveness', 200, 'application/json', '{"status":"ok"}', {})).toMatchObject({ ok: true, body: { status: 'ok' } });
  });
});

describe('the suite client over any fetch', () => {
  const answering =
    (status: number, body: unknown): typeof fetch =>
    async () =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const envelope = { error: 'user_not_found', message: 'no such user', details: [] };
  const USER = '00000000-0000-0000-0000-000000000001';

  it('ok and fail check the status and hand back the parsed body; no answer at all throws', async () => {
    const found = new ApiClient('http://x.test', { fetch: answering(200, { status: 'ok' }) });
    expect(await found.ok('liveness', {}, 200)).toEqual({ status: 'ok' });
    await expect(found.ok('liveness', {}, 201)).rejects.toThrow('liveness expected 201, got 200');
    const missing = new ApiClient('http://x.test', { fetch: answering(404, envelope) });
    expect(await missing.fail('getUser', { params: { id: USER } }, 404)).toEqual(envelope);
    await expect(missing.ok('getUser', { params: { id: USER } })).rejects.toThrow('expected success, got 404');
    await expect(missing.fail('getUser', { params: { id: USER } }, 422)).rejects.toThrow('expected 422, got 404');
    const refused = new ApiClient('http://x.test', { fetch: () => Promise.reject(new TypeError('fetch failed')) });
    await expect(refused.call('liveness')).rejects.toThrow('liveness: no answer: fetch failed');
  });

  it('a 500 in the envelope is still a bug, and drift in a success fails the call that saw it', async () => {
    const broken = new ApiClient('http://x.test', { fetch: answering(500, { ...envelope, error: 'internal_error' }) });
    await expect(broken.call('getUser', { params: { id: USER } })).rejects.toThrow(ContractViolation);
    const drift = new ApiClient('http://x.test', { fetch: answering(200, { status: 'ok', service_uptime: 5 }) });
    await expect(drift.call('liveness')).rejects.toThrow('service_uptime');
  });
});
