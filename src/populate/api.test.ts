import { describe, expect, it } from 'vitest';
import { ApiFailure, createApi } from './api.js';

// The population's failure kinds and retry rules over the contract client's answers.
const USER = '00000000-0000-0000-0000-000000000001';
const BASE = 'http://x.test/api/v1';
const userBody = { id: USER, username: 'dev', display_name: null, timezone: 'UTC', language: 'en', created_at: '2025-01-01T00:00:00.000Z' };
const raw =
  (status: number, text: string): typeof fetch =>
  async () =>
    new Response(status === 204 ? null : text, { status, headers: { 'content-type': 'application/json' } });
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
const thrower =
  (err: unknown): typeof fetch =>
  async () => {
    throw err;
  };

describe('the population API', () => {
  it('calls under the base the user gave, prefix or not, and exposes it without trailing slashes', async () => {
    const seen: string[] = [];
    const f: typeof fetch = async (input) => {
      seen.push(String(input));
      return respond(200, userBody)(input);
    };
    const api = createApi({ baseUrl: 'http://proxy.test/journal/api/v1///', fetch: f });
    expect(api.baseUrl).toBe('http://proxy.test/journal/api/v1');
    expect(await api.call('getUser', { params: { id: USER } })).toEqual({ status: 200, body: userBody });
    expect(seen).toEqual([`http://proxy.test/journal/api/v1/users/${USER}`]);
  });

  it('no answer is a retryable network failure naming the cause or the timeout', async () => {
    const refused = await failureOf(getUser(thrower(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))));
    expect([refused.kind, refused.retryable, refused.status, refused.route]).toEqual(['network', true, undefined, 'getUser']);
    expect(refused.message).toBe('GET /api/v1/users/{id}: fetch failed (ECONNREFUSED)');
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect((await failureOf(getUser(thrower(new TypeError('fetch failed', { cause: timeout })), 1234))).message).toBe(
      'GET /api/v1/users/{id}: no answer within 1234 ms',
    );
    const unreadable: typeof fetch = async () => ({ status: 200, text: () => Promise.reject(new Error('terminated')) }) as Response;
    expect(await failureOf(getUser(unreadable))).toMatchObject({ kind: 'network', message: 'GET /api/v1/users/{id}: terminated' });
  });

  it('classifies by status: 5xx server (retried), 4xx client (429 retried), anything else contract', async () => {
    const kinds = async (status: number, body: unknown = envelope('internal_error', 'm')) => {
      const e = await failureOf(getUser(respond(status, body)));
      return [e.kind, e.retryable];
    };
    expect(await kinds(500)).toEqual(['server', true]);
    expect(await kinds(503)).toEqual(['server', true]);
    expect(await kinds(502, '<html>bad gateway</html>')).toEqual(['server', true]);
    expect(await kinds(400)).toEqual(['client', false]);
    expect(await kinds(404, 'not found')).toEqual(['client', false]);
    expect(await kinds(429)).toEqual(['client', true]);
    expect(await kinds(302)).toEqual(['contract', false]);
    expect(await kinds(201)).toEqual(['contract', false]);
  });

  it("a success that breaks the contract is a contract failure naming the fields; an envelope's details are quoted", async () => {
    const drift = await failureOf(getUser(respond(200, { ...userBody, timezone: 5, language: undefined })));
    expect([drift.kind, drift.status, drift.retryable]).toEqual(['contract', 200, false]);
    expect(drift.message).toMatch(/timezone: .+; language: /);
    const e = await failureOf(getUser(respond(404, envelope('user_not_found', 'no such user', [{ path: 'id', message: 'not found' }]))));
    expect([e.kind, e.status, e.code]).toEqual(['client', 404, 'user_not_found']);
    expect(e.message).toBe('GET /api/v1/users/{id} answered 404 user_not_found: no such user (id: not found)');
  });

  it('retries a 409 only for an idempotency conflict that is still in progress', async () => {
    const body = { user_id: USER, message: 'hello' };
    const retryable = async (status: number, env: unknown) =>
      (await failureOf(createApi({ baseUrl: BASE, fetch: respond(status, env) }).call('chatMessage', { body }))).retryable;
    const inProgress = [
      { path: 'a', message: 'other' },
      { path: 'k', message: 'in progress' },
    ];
    expect(await retryable(409, envelope('idempotency_conflict', 'x', inProgress))).toBe(true);
    expect(await retryable(409, envelope('idempotency_conflict', 'x', [{ path: 'k', message: 'reused' }]))).toBe(false);
    expect(await retryable(409, envelope('idempotency_conflict', 'x'))).toBe(false);
    expect(await retryable(409, envelope('user_exists', 'x', inProgress))).toBe(false);
    expect(await retryable(422, envelope('idempotency_conflict', 'x', inProgress))).toBe(false);
  });
});
