import { fixtures, newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { useStack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

const stack = useStack();

describe('PostgreSQL stopped and started under a running backend', { meta: { classes: [9, 12], needs: ['private-postgres'] } }, () => {
  it('503 (not 500, not a hang) while down, health says so, recovery by itself, nothing acknowledged lost', async (_ctx) => {
    const { got: u } = await newUser(stack.api);
    const kept = await stack.api.ok('createEntry', { body: { user_id: u.id, title: 'before', content: fixtures().entryText() } }, 201);
    const chat = await stack.api.ok('chatMessage', { body: { user_id: u.id, message: 'before the outage' } });

    await stack.postgres.stop();
    // An answer at all, while PostgreSQL is still stopped, is what "not a hang" means; how fast is a benchmark's.
    const down = await stack.api.call('chatHealth');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unhealthy', database_available: false, service_stats: null });
    expect(await stack.api.ok('readiness', {}, 503)).toMatchObject({
      status: 'unhealthy',
      components: { database: { status: 'down', latency_ms: null, error: expect.any(String) }, llm: { status: 'up' } },
    });
    expect(await stack.api.fail('createEntry', { body: { user_id: u.id, title: 'during', content: fixtures().entryText() } }, 503)).toEqual(
      expectedErrors.databaseUnavailable(),
    );
    expect(await stack.api.fail('chatMessage', { body: { user_id: u.id, message: 'during the outage' } }, 503)).toEqual(
      expectedErrors.databaseUnavailable(),
    );
    expect(await stack.api.fail('listEntries', { query: { user_id: u.id } }, 503)).toEqual(expectedErrors.databaseUnavailable());
    expect(await stack.api.fail('createUser', { body: fixtures().user() }, 503)).toEqual(expectedErrors.databaseUnavailable());
    // What needs no database is unaffected: liveness, and bad input is still named before any query.
    expect(await stack.api.ok('liveness', {}, 200)).toEqual({ status: 'ok' });
    expect(await stack.api.fail('getUser', { params: { id: 'nope' } }, 422)).toEqual(expectedErrors.validation('id'));

    await stack.postgres.start();
    await waitFor(async () => (await stack.api.call('chatHealth')).status === 200, { timeoutMs: 20_000, what: 'backend to recover' });
    expect(await stack.api.ok('getEntry', { params: { id: kept.id }, query: { user_id: u.id } })).toEqual(kept);
    const hist = await stack.api.ok('history', { params: { session_id: chat.session_id }, query: { user_id: u.id } });
    expect(hist.messages.map((m) => m.content)).toEqual(['before the outage', chat.content]);
    // Nothing from the outage was half-written.
    expect((await stack.api.ok('listEntries', { query: { user_id: u.id } })).map((e) => e.id)).toEqual([kept.id]);
    expect((await stack.api.ok('conversations', { query: { user_id: u.id } })).total_count).toBe(1);
    await stack.api.ok('createEntry', { body: { user_id: u.id, title: 'after', content: fixtures().entryText() } }, 201);
  });
});
