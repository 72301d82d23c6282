import { sql, type Kysely, type Transaction } from 'kysely';
import type { ConversationMode, MessageRole, SessionStatus, SessionType } from '../../contract/enums.js';
import type { Database, MessageRow, SessionRow } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewSession {
  user_id: string;
  session_type: SessionType;
  conversation_mode: ConversationMode;
  title: string | null;
  description: string | null;
  status?: SessionStatus;
  tags: string[];
  metadata: Record<string, unknown>;
  created_at?: Date;
}

export async function insertSession(db: Db, s: NewSession): Promise<SessionRow> {
  const at = s.created_at ?? new Date();
  return db
    .insertInto('chat_sessions')
    .values({
      ...s,
      status: s.status ?? 'active',
      tags: JSON.stringify(s.tags),
      metadata: JSON.stringify(s.metadata),
      created_at: at,
      updated_at: at,
      last_activity: at,
      deleted_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSession(db: Db, userId: string, id: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export interface HistoryMessage {
  role: MessageRole;
  content: string;
}

/**
 * A live session of this user together with the role and content of its last `historyLimit` messages in
 * conversation order, in one round trip (what a chat turn reads before asking the model).
 */
export async function findSessionWithHistory(
  db: Db,
  userId: string,
  id: string,
  historyLimit: number,
): Promise<(SessionRow & { history: HistoryMessage[] }) | undefined> {
  const row = await db
    .selectFrom('chat_sessions as s')
    .selectAll('s')
    .select(
      sql<HistoryMessage[]>`COALESCE((
        SELECT json_agg(json_build_object('role', h.role, 'content', h.content) ORDER BY h.sequence)
        FROM (SELECT role, content, sequence FROM chat_messages WHERE session_id = s.id ORDER BY sequence DESC LIMIT ${historyLimit}) h
      ), '[]'::json)`.as('history'),
    )
    .where('s.id', '=', id)
    .where('s.user_id', '=', userId)
    .where('s.deleted_at', 'is', null)
    .executeTakeFirst();
  return row;
}

export interface NewMessage {
  role: MessageRole;
  content: string;
  metadata: Record<string, unknown>;
  is_fallback: boolean;
  sentiment_polarity: number | null;
  crisis: boolean;
  created_at: Date;
}

/** Where a turn goes: an existing live session of this user, or a new one opened by the same statement. */
export type TurnTarget = { userId: string; sessionId: string } | { newSession: NewSession };

export interface AppendedTurn {
  /** The session after the turn: message_count and user_turns include its messages. */
  session: SessionRow;
  /** The appended messages in sequence order. */
  messages: MessageRow[];
}

type SessionJson = Omit<SessionRow, 'created_at' | 'updated_at' | 'last_activity' | 'deleted_at'> & {
  created_at: string;
  updated_at: string;
  last_activity: string;
  deleted_at: string | null;
};

/**
 * Appends messages to a session in ONE statement, so one round trip and an implicit transaction (or the
 * caller's): the session row is updated first (or inserted), which locks it, so concurrent turns of one
 * session serialise on it and each numbers its messages after the latest committed message_count (a waiting
 * UPDATE re-reads the row's newest version); the messages are inserted from the updated row's counters.
 * The (session_id, user_id) foreign key keeps every message with its session's owner. Undefined when the
 * session is not a live session of this user.
 */
export async function appendTurn(
  db: Db,
  target: TurnTarget,
  messages: NewMessage[],
  updatedAt: Date = new Date(),
): Promise<AppendedTurn | undefined> {
  const n = messages.length;
  if (n === 0) throw new Error('appendTurn needs at least one message');
  const userTurns = messages.filter((m) => m.role === 'user').length;
  const last = messages.reduce((t, m) => (m.created_at > t ? m.created_at : t), messages[0]!.created_at);
  const session =
    'sessionId' in target
      ? sql`
        UPDATE chat_sessions
        SET message_count = message_count + ${n}, user_turns = user_turns + ${userTurns},
            last_activity = GREATEST(last_activity, ${last}::timestamptz), updated_at = ${updatedAt}
        WHERE id = ${target.sessionId} AND user_id = ${target.userId} AND deleted_at IS NULL
        RETURNING *`
      : (() => {
          const s = target.newSession;
          const at = s.created_at ?? updatedAt;
          return sql`
        INSERT INTO chat_sessions (user_id, session_type, conversation_mode, title, description, status, tags, metadata,
                                   created_at, updated_at, last_activity, message_count, user_turns, deleted_at)
        VALUES (${s.user_id}, ${s.session_type}, ${s.conversation_mode}, ${s.title}, ${s.description}, ${s.status ?? 'active'},
                ${JSON.stringify(s.tags)}::jsonb, ${JSON.stringify(s.metadata)}::jsonb, ${at}, ${updatedAt},
                GREATEST(${at}::timestamptz, ${last}::timestamptz), ${n}, ${userTurns}, NULL)
        RETURNING *`;
        })();
  const values = sql.join(
    messages.map(
      (m, i) =>
        sql`(${i + 1}::int, ${m.role}::text, ${m.content}::text, ${JSON.stringify(m.metadata)}::jsonb, ${m.is_fallback}::boolean, ${m.sentiment_polarity}::float8, ${m.crisis}::boolean, ${m.created_at}::timestamptz)`,
    ),
  );
  const inserted = sql`
      INSERT INTO chat_messages (session_id, user_id, sequence, role, content, metadata, is_fallback, sentiment_polarity, crisis, created_at)
      SELECT s.id, s.user_id, s.message_count - ${n}::int + v.ord, v.role, v.content, v.metadata, v.is_fallback, v.sentiment_polarity, v.crisis, v.created_at
      FROM s CROSS JOIN (VALUES ${values}) AS v (ord, role, content, metadata, is_fallback, sentiment_polarity, crisis, created_at)
      RETURNING *`;
  const r = await sql<{ session: SessionJson; messages: MessageRow[] }>`
    WITH s AS (${session}), m AS (${inserted})
    SELECT to_json(s) AS session, (SELECT json_agg(m ORDER BY m.sequence) FROM m) AS messages FROM s`.execute(db);
  const row = r.rows[0];
  if (!row) return undefined;
  const date = (v: string) => new Date(v);
  const sj = row.session;
  return {
    session: {
      ...sj,
      created_at: date(sj.created_at),
      updated_at: date(sj.updated_at),
      last_activity: date(sj.last_activity),
      deleted_at: sj.deleted_at === null ? null : date(sj.deleted_at),
    },
    messages: row.messages.map((m) => ({ ...m, created_at: date(m.created_at as unknown as string) })),
  };
}

/** The last `limit` messages in conversation order. */
export async function recentMessages(db: Db, sessionId: string, limit: number): Promise<MessageRow[]> {
  const rows = await db
    .selectFrom('chat_messages')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('sequence', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

export async function allMessages(db: Db, sessionId: string): Promise<MessageRow[]> {
  return db.selectFrom('chat_messages').selectAll().where('session_id', '=', sessionId).orderBy('sequence', 'asc').execute();
}

export interface SessionFilter {
  userId: string;
  limit: number;
  status?: SessionStatus;
  sessionType?: SessionType;
  from?: Date;
  to?: Date;
  theme?: string;
}

export async function listSessions(db: Db, f: SessionFilter): Promise<SessionRow[]> {
  let q = db.selectFrom('chat_sessions').selectAll().where('user_id', '=', f.userId).where('deleted_at', 'is', null);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.sessionType) q = q.where('session_type', '=', f.sessionType);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  if (f.theme) q = q.where(sql<string>`metadata->>'theme'`, '=', f.theme);
  return q.orderBy('last_activity', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

export async function countSessions(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('chat_sessions')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return r.n;
}

export async function setSessionStatus(db: Db, userId: string, id: string, status: SessionStatus): Promise<SessionRow | undefined> {
  return db
    .updateTable('chat_sessions')
    .set({ status, updated_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** The id of the row this marked deleted; undefined when no live row of this user has it. */
export async function softDeleteSession(db: Db, userId: string, id: string): Promise<{ id: string } | undefined> {
  return db
    .updateTable('chat_sessions')
    .set({ deleted_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
}

export async function findIdempotent(db: Db, userId: string, scope: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
}

/**
 * Claims the key inside the write transaction. If another request holds it, PostgreSQL makes this wait for
 * that transaction and then reports the conflict, so exactly one of two racing retries writes rows.
 */
export async function claimIdempotencyKey(
  trx: Transaction<Database>,
  row: { user_id: string; scope: string; key: string; request_hash: string },
): Promise<boolean> {
  const r = await sql<{ key: string }>`
    INSERT INTO idempotency_keys (user_id, scope, key, request_hash, status_code, response)
    VALUES (${row.user_id}, ${row.scope}, ${row.key}, ${row.request_hash}, 0, 'null'::jsonb)
    ON CONFLICT DO NOTHING RETURNING key`.execute(trx);
  return r.rows.length === 1;
}

export async function storeIdempotentResponse(
  trx: Transaction<Database>,
  userId: string,
  scope: string,
  key: string,
  status: number,
  response: unknown,
): Promise<void> {
  await trx
    .updateTable('idempotency_keys')
    .set({ status_code: status, response: JSON.stringify(response) })
    .where('user_id', '=', userId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** User messages and their mean polarity in a window: the chat part of mood analytics. */
export async function chatSentimentInWindow(db: Db, userId: string, start: Date, end: Date) {
  return db
    .selectFrom('chat_messages as m')
    .innerJoin('chat_sessions as s', 's.id', 'm.session_id')
    .select([sql<number>`count(*)::int`.as('messages'), sql<number | null>`avg(m.sentiment_polarity)`.as('avg_sentiment')])
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'user')
    .where('s.deleted_at', 'is', null)
    .where('m.created_at', '>=', start)
    .where('m.created_at', '<', end)
    .executeTakeFirstOrThrow();
}

/** Every /chat/stats counter, computed from rows so it survives restarts and agrees across processes. */
export async function chatCounters(db: Db, userId: string | null) {
  const scoped = userId ? sql`AND s.user_id = ${userId}` : sql``;
  const r = await sql<{
    total_conversations: number;
    messages_processed: number;
    crisis_interventions: number;
    therapeutic_insights: number;
    active_conversations: number;
  }>`
    SELECT
      (SELECT count(*)::int FROM chat_sessions s WHERE s.deleted_at IS NULL ${scoped}) AS total_conversations,
      (SELECT count(*)::int FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
         WHERE s.deleted_at IS NULL AND m.role = 'user' ${scoped}) AS messages_processed,
      (SELECT count(*)::int FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
         WHERE s.deleted_at IS NULL AND m.role = 'assistant' AND m.crisis ${scoped}) AS crisis_interventions,
      (SELECT count(*)::int FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
         WHERE s.deleted_at IS NULL AND m.role = 'assistant' AND NOT m.is_fallback
           AND jsonb_array_length(COALESCE(m.metadata->'therapeutic_techniques', '[]'::jsonb)) > 0 ${scoped}) AS therapeutic_insights,
      (SELECT count(*)::int FROM chat_sessions s WHERE s.deleted_at IS NULL AND s.status = 'active'
         AND EXISTS (SELECT 1 FROM chat_messages m WHERE m.session_id = s.id AND m.created_at > now() - interval '30 minutes') ${scoped}) AS active_conversations
  `.execute(db);
  return r.rows[0]!;
}
