import { fixtures, newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { holdRowLock } from '../../helpers/pg-faults.js';
import { useStack } from '../../helpers/stack.js';

// A short server-side lock timeout, so a blocked write is cancelled by PostgreSQL in 0.3 s. The lock is held
// until the request has been answered, however slow the machine: an answer cannot have come from a write
// that reached the row after the lock went away.
const stack = useStack({ env: { DB_LOCK_TIMEOUT_MS: '300', DB_STATEMENT_TIMEOUT_MS: '1000' } });

async function whileLocked<T>(table: 'chat_sessions' | 'users', id: string, during: () => Promise<T>): Promise<T> {
  const lock = await holdRowLock(stack.databaseUrl, table, id);
  try {
    return await during();
  } finally {
    await lock.release();
  }
}

describe.concurrent('a write blocked on a row lock', { meta: { classes: [9], needs: ['bundled'] } }, () => {
  it('a chat turn to a locked session: 503 "nothing was written" is true after the lock is gone; the retry writes it once', async () => {
    const { got: u } = await newUser(stack.api);
    const first = await stack.api.ok('chatMessage', { body: { user_id: u.id, message: 'before the lock' } });
    const key = `lock-${stack.info.seed}-${u.id}`;
    const body = { user_id: u.id, session_id: first.session_id, message: 'while the session row is locked' };
    const result = await whileLocked('chat_sessions', first.session_id, () =>
      stack.api.call('chatMessage', { body, headers: { 'Idempotency-Key': key } }),
    );
    expect({ status: result.status, body: result.body }).toEqual({ status: 503, body: expectedErrors.databaseUnavailable() });
    // The lock is gone now: a write that had only been waiting would have committed by the time this reads.
    const after = await stack.api.ok('history', { params: { session_id: first.session_id }, query: { user_id: u.id } });
    expect(after.messages.map((m) => m.content)).toEqual(['before the lock', first.content]);
    expect(after.message_count).toBe(2);
    const retried = await stack.api.ok('chatMessage', { body, headers: { 'Idempotency-Key': key } });
    const again = await stack.api.ok('chatMessage', { body, headers: { 'Idempotency-Key': key } });
    expect(again).toEqual(retried);
    const final = await stack.api.ok('history', { params: { session_id: first.session_id }, query: { user_id: u.id } });
    expect(final.messages.map((m) => m.content)).toEqual(['before the lock', first.content, body.message, retried.content]);
  });

  it('an entry whose user row is locked: 503 and no entry afterwards', async () => {
    const { got: u } = await newUser(stack.api);
    const content = fixtures().entryText();
    const result = await whileLocked('users', u.id, () =>
      stack.api.call('createEntry', { body: { user_id: u.id, title: 'locked', content } }),
    );
    expect({ status: result.status, body: result.body }).toEqual({ status: 503, body: expectedErrors.databaseUnavailable() });
    expect(await stack.api.ok('listEntries', { query: { user_id: u.id } })).toEqual([]);
  });
});
