import { sql, type Kysely } from 'kysely';

// A chat turn's number is the count of the session's user messages. Kept on the session row, next to
// message_count, it is read and bumped by the same statement that appends the turn (the row's latest
// version once its lock is held), instead of counting the session's messages on every turn.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chat_sessions ADD COLUMN user_turns integer NOT NULL DEFAULT 0 CHECK (user_turns >= 0)`.execute(db);
  await sql`
    UPDATE chat_sessions s SET user_turns = c.n
    FROM (SELECT session_id, count(*)::int AS n FROM chat_messages WHERE role = 'user' GROUP BY session_id) c
    WHERE c.session_id = s.id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE chat_sessions DROP COLUMN IF EXISTS user_turns`.execute(db);
}
