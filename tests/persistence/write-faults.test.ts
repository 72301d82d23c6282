import { newUser } from '../../helpers/factories.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';

const stack = useStack();

// A fault at the write itself, not at the reads before it: a trigger in this file's own database fails the
// second insert of a turn (the assistant row) for the users a test names, as a statement cancelled by
// PostgreSQL would fail (query_canceled). A turn is one write, so the answer must say nothing was
// written (503) and nothing may be: not the user's row, not a session, not a counter.

async function failRepliesOf(userId: string): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS write_fault_users (user_id uuid PRIMARY KEY)`.execute(stack.db);
  await sql`
    CREATE OR REPLACE FUNCTION write_fault_on_reply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.role = 'assistant' AND EXISTS (SELECT 1 FROM write_fault_users f WHERE f.user_id = NEW.user_id) THEN
        RAISE EXCEPTION 'injected fault: the reply row of a turn' USING ERRCODE = 'query_canceled';
      END IF;
      RETURN NEW;
    END $$`.execute(stack.db);
  await sql`CREATE OR REPLACE TRIGGER write_fault_on_reply BEFORE INSERT ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION write_fault_on_reply()`.execute(stack.db);
  await sql`INSERT INTO write_fault_users (user_id) VALUES (${userId})`.execute(stack.db);
}

const healReplies = (userId: string) => sql`DELETE FROM write_fault_users WHERE user_id = ${userId}`.execute(stack.db);

/** Everything a turn can change, for one user: sessions with their counters, and every message. */
async function stored(userId: string) {
  const sessions = await stack.db
    .selectFrom('chat_sessions')
    .select(['id', 'message_count', 'user_turns', 'last_activity', 'updated_at', 'status'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  const messages = await stack.db
    .selectFrom('chat_messages')
    .select(['id', 'session_id', 'sequence', 'role'])
    .where('user_id', '=', userId)
    .orderBy('session_id')
    .orderBy('sequence')
    .execute();
  const keys = await stack.db.selectFrom('idempotency_keys').select(['scope', 'key']).where('user_id', '=', userId).execute();
  return { sessions, messages, keys };
}

const unavailable = { error: 'database_unavailable' };

describe(
  'a turn whose reply cannot be stored is not stored at all, and the answer says so',
  { meta: { classes: [9], needs: ['bundled'] } },
  () => {
    it('POST /chat/message opening a session: 503, no session, no message', async () => {
      const { got: u } = await newUser(stack.api);
      await failRepliesOf(u.id);
      expect(await stack.api.fail('chatMessage', { body: { user_id: u.id, message: 'Will this be kept?' } }, 503)).toMatchObject(
        unavailable,
      );
      expect(await stored(u.id)).toEqual({ sessions: [], messages: [], keys: [] });
    });

    it('POST /chat/message continuing a session: 503, the session and its counters unchanged', async () => {
      const { got: u } = await newUser(stack.api);
      const first = await stack.api.ok('chatMessage', { body: { user_id: u.id, message: 'A first turn that is kept.' } });
      const before = await stored(u.id);
      await failRepliesOf(u.id);
      const body = { user_id: u.id, session_id: first.session_id, message: 'A second turn that is not.' };
      expect(await stack.api.fail('chatMessage', { body }, 503)).toMatchObject(unavailable);
      expect(await stored(u.id)).toEqual(before);
      // With an Idempotency-Key the key is not kept either: once the fault is gone the same request writes
      // its turn exactly once.
      const key = randomUUID();
      expect(await stack.api.fail('chatMessage', { body, headers: { 'Idempotency-Key': key } }, 503)).toMatchObject(unavailable);
      expect(await stored(u.id)).toEqual(before);
      await healReplies(u.id);
      const retried = await stack.api.ok('chatMessage', { body, headers: { 'Idempotency-Key': key } });
      expect(retried.processing_metadata.turn_count).toBe(2);
      const after = await stored(u.id);
      expect(after.messages.map((m) => [m.sequence, m.role])).toEqual([
        [1, 'user'],
        [2, 'assistant'],
        [3, 'user'],
        [4, 'assistant'],
      ]);
      expect(after.sessions.map((s) => [s.message_count, s.user_turns])).toEqual([[4, 2]]);
    });

    it('POST /sessions/{id}/messages: 503, the session and its counters unchanged', async () => {
      const { got: u } = await newUser(stack.api);
      const s = await stack.api.ok('createSession', { body: { user_id: u.id, session_type: 'reflection_buddy' } }, 201);
      await stack.api.ok('postSessionMessage', { params: { id: s.id }, body: { user_id: u.id, content: 'Kept.', role: 'user' } }, 201);
      const before = await stored(u.id);
      await failRepliesOf(u.id);
      for (const headers of [{}, { 'Idempotency-Key': randomUUID() }] as Record<string, string>[]) {
        const out = await stack.api.fail(
          'postSessionMessage',
          { params: { id: s.id }, body: { user_id: u.id, content: 'Not kept.', role: 'user' }, headers },
          503,
        );
        expect(out).toMatchObject(unavailable);
        expect(await stored(u.id)).toEqual(before);
      }
      const session = await stack.api.ok('getSession', { params: { id: s.id }, query: { user_id: u.id } });
      expect([session.message_count, session.last_activity]).toEqual([2, before.sessions[0]!.last_activity.toISOString()]);
    });
  },
);
