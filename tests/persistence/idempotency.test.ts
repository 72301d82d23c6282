import { fixtures, newUser } from '../../helpers/factories.js';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { useStack } from '../../helpers/stack.js';

const stack = useStack();

async function countRows(table: 'entries' | 'chat_sessions' | 'chat_messages', userId: string): Promise<number> {
  const c = await stack.rows.counts(userId);
  return { entries: c.entries, chat_sessions: c.sessions, chat_messages: c.messages }[table];
}

describe('Idempotency-Key: a retried POST returns the first result without new rows', { meta: { classes: [9], needs: ['rows'] } }, () => {
  it('entries: sequential and concurrent retries write one row; another body with the key is a 409', async () => {
    const { got: u } = await newUser(stack.api);
    const key = randomUUID();
    const body = { user_id: u.id, title: 'once', content: fixtures().entryText(), created_at: '2026-03-01T08:00:00Z' };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => stack.api.ok('createEntry', { body, headers: { 'Idempotency-Key': key } }, 201)),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await stack.api.ok('createEntry', { body, headers: { 'Idempotency-Key': key } }, 201)).toEqual(results[0]);
    expect(await countRows('entries', u.id)).toBe(1);
    const conflict = await stack.api.fail('createEntry', { body: { ...body, title: 'other' }, headers: { 'Idempotency-Key': key } }, 409);
    expect(conflict).toEqual(expectedErrors.idempotencyConflict());
    // Without a key every POST is a new entry.
    await stack.api.ok('createEntry', { body }, 201);
    expect(await countRows('entries', u.id)).toBe(2);
  });

  it('chat messages and sessions: concurrent retries of one key write one turn', async () => {
    const { got: u } = await newUser(stack.api);
    const key = randomUUID();
    const body = { user_id: u.id, message: 'Only once, please.' };
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => stack.api.ok('chatMessage', { body, headers: { 'Idempotency-Key': key } })),
    );
    expect(new Set(replies.map((r) => r.message_id)).size).toBe(1);
    expect([await countRows('chat_sessions', u.id), await countRows('chat_messages', u.id)]).toEqual([1, 2]);
    const skey = randomUUID();
    const sbody = { user_id: u.id, session_type: 'inner_voice' as const };
    const sessions = await Promise.all(
      Array.from({ length: 4 }, () => stack.api.ok('createSession', { body: sbody, headers: { 'Idempotency-Key': skey } }, 201)),
    );
    expect(new Set(sessions.map((s) => s.id)).size).toBe(1);
    expect(await countRows('chat_sessions', u.id)).toBe(2);
    // A key is scoped per user: another user may use the same key for their own write.
    const { got: other } = await newUser(stack.api);
    await stack.api.ok('chatMessage', { body: { user_id: other.id, message: 'Only once, please.' }, headers: { 'Idempotency-Key': key } });
    expect(await countRows('chat_messages', other.id)).toBe(2);
  });
});
