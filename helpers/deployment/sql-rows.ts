import pg from 'pg';
import type { OwnedRow, RowCounts, RowReader } from './hooks.js';

/**
 * A RowReader over plain SQL, for any schema that stores entries, topics and chat sessions with a
 * `user_id` and chat messages per session. Table and column names come from the target; the queries are
 * the same for all. Used by this project's default target and by the worked original-service target.
 */
export interface SqlLayout {
  topics: string;
  entries: string;
  sessions: string;
  messages: string;
  /** The message column holding the session id. */
  messageSession: string;
  /** The column holding a message's user id, or null when a message belongs to its session's user. */
  messageUser: string | null;
  /** Whether topics/entries/sessions are soft-deleted through `deleted_at`. */
  softDelete: boolean;
}

export const PROJECT_LAYOUT: SqlLayout = {
  topics: 'topics',
  entries: 'entries',
  sessions: 'chat_sessions',
  messages: 'chat_messages',
  messageSession: 'session_id',
  messageUser: 'user_id',
  softDelete: true,
};

export function sqlRowReader(connectionString: string, layout: SqlLayout = PROJECT_LAYOUT): RowReader {
  const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 5_000, allowExitOnIdle: true });
  pool.on('error', () => undefined);
  const L = layout;
  const live = (alias: string) => (L.softDelete ? `${alias}.deleted_at IS NULL` : 'true');
  const msgUser = L.messageUser ? `m.${L.messageUser}` : 's.user_id';
  return {
    async owners({ topics = [], entries = [], sessions = [] }) {
      const r = await pool.query<OwnedRow>(
        `SELECT 'topic' AS kind, id::text, user_id::text FROM ${L.topics} WHERE id::text = ANY($1)
         UNION ALL SELECT 'entry', id::text, user_id::text FROM ${L.entries} WHERE id::text = ANY($2)
         UNION ALL SELECT 'session', id::text, user_id::text FROM ${L.sessions} WHERE id::text = ANY($3)
         UNION ALL SELECT 'message', m.id::text, ${msgUser}::text FROM ${L.messages} m
           JOIN ${L.sessions} s ON s.id = m.${L.messageSession} WHERE s.id::text = ANY($3)`,
        [topics, entries, sessions],
      );
      return r.rows;
    },
    async counts(userId) {
      const who = (alias: string, col = 'user_id') => (userId ? `${alias}.${col}::text = $1` : 'true');
      const r = await pool.query<RowCounts>(
        `SELECT (SELECT count(*)::int FROM ${L.topics} t WHERE ${who('t')} AND ${live('t')}) AS topics,
                (SELECT count(*)::int FROM ${L.entries} e WHERE ${who('e')} AND ${live('e')}) AS entries,
                (SELECT count(*)::int FROM ${L.sessions} s WHERE ${who('s')} AND ${live('s')}) AS sessions,
                (SELECT count(*)::int FROM ${L.messages} m JOIN ${L.sessions} s ON s.id = m.${L.messageSession}
                   WHERE ${userId ? `${msgUser}::text = $1` : 'true'} AND ${live('s')}) AS messages,
                (SELECT count(*)::int FROM ${L.messages} m JOIN ${L.sessions} s ON s.id = m.${L.messageSession}
                   WHERE ${userId ? `${msgUser}::text = $1` : 'true'} AND ${live('s')} AND m.role = 'user') AS "userMessages"`,
        userId ? [userId] : [],
      );
      return r.rows[0]!;
    },
    close: () => pool.end(),
  };
}
