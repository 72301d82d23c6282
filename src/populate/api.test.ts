import { describe, expect, it } from 'vitest';
import { ApiFailure, createApi } from './api.js';

const USER = '00000000-0000-0000-0000-000000000001';
const respond =
  (status: number, body: unknown): typeof fetch =>
  async () =>
    new Response(JSON.stringify(body), { status });
const failureOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiFailure);
  return err as ApiFailure;
};

describe('api client', () => {
  it('builds the URL under any base and validates a success with the contract', async () => {
    const seen: string[] = [];
    const user = { id: USER, username: 'dev', display_name: null, timezone: 'UTC', language: 'en', created_at: '2025-01-01T00:00:00.000Z' };
    const api = createApi({
      baseUrl: 'http://proxy.test/journal/api/v1/',
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(JSON.stringify(user), { status: 200 });
      },
    });
    expect((await api.call('getUser', { params: { id: USER } })).body.timezone).toBe('UTC');
    expect(seen).toEqual([`http://proxy.test/journal/api/v1/users/${USER}`]);
  });

  it('classifies: network, 4xx with the envelope, 5xx, and a success that breaks the contract', async () => {
    const network = await failureOf(
      createApi({
        baseUrl: 'http://x.test/api/v1',
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
      }).call('getUser', { params: { id: USER } }),
    );
    expect([network.kind, network.retryable]).toEqual(['network', true]);

    const envelope = { error: 'user_not_found', message: 'no such user', details: [{ path: 'id', message: 'not found' }] };
    const client = await failureOf(
      createApi({ baseUrl: 'http://x.test/api/v1', fetch: respond(404, envelope) }).call('getUser', { params: { id: USER } }),
    );
    expect([client.kind, client.status, client.code, client.retryable]).toEqual(['client', 404, 'user_not_found', false]);
    expect(client.message).toContain('id: not found');

    const server = await failureOf(
      createApi({
        baseUrl: 'http://x.test/api/v1',
        fetch: respond(503, { error: 'database_unavailable', message: 'down', details: [] }),
      }).call('getUser', { params: { id: USER } }),
    );
    expect([server.kind, server.retryable]).toEqual(['server', true]);

    const drift = await failureOf(
      createApi({ baseUrl: 'http://x.test/api/v1', fetch: respond(200, { id: USER }) }).call('getUser', { params: { id: USER } }),
    );
    expect([drift.kind, drift.retryable]).toEqual(['contract', false]);
  });

  it('retries a 409 only while the first request with that key is still in progress', async () => {
    const conflict = (message: string) =>
      respond(409, { error: 'idempotency_conflict', message: 'x', details: [{ path: 'idempotency-key', message }] });
    const body = { user_id: USER, message: 'hello' };
    const busy = await failureOf(
      createApi({ baseUrl: 'http://x.test/api/v1', fetch: conflict('in progress') }).call('chatMessage', { body }),
    );
    const reused = await failureOf(
      createApi({ baseUrl: 'http://x.test/api/v1', fetch: conflict('reused with a different body') }).call('chatMessage', { body }),
    );
    expect([busy.retryable, reused.retryable]).toEqual([true, false]);
  });
});
