import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MessageRow, SessionRow } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewSession {
  user_id: string;
  session_type: string;
  conversation_mode: string;
  title: string | null;
  description: string | null;
  status?: string;
  tags: string[];
  metadata: Record<string, unknown>;
  created_at?: Date;
}

export async function insertSession(db: Db, s: NewSession): Promise<SessionRow> {
  const at = s.created_at ?? new Date();
  return db
    .insertInto('chat_sessions')
    .values({ ...s, status: s.status ?? 'active', tags: JSON.stringify(s.tags), metadata: JSON.stringify(s.metadata), created_at: at, updated_at: at, last_activity: at, deleted_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSession(db: Db, userId: string, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('chat_sessions').selectAll().where('id', '=', id).where('user_id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
}

/** Locks the session row so concurrent turns of one session get distinct, gap-free sequence numbers. */
export async function lockSession(trx: Transaction<Database>, userId: string, id: string): Promise<SessionRow | undefined> {
  return trx.selectFrom('chat_sessions').selectAll().where('id', '=', id).where('user_id', '=', userId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
}

export interface NewMessage {
  role: string;
  content: string;
  metadata: Record<string, unknown>;
  is_fallback: boolean;
  sentiment_polarity: number | null;
  crisis: boolean;
  created_at: Date;
}

/** Appends messages after the session's last sequence number and bumps its counters, inside the caller's transaction. */
export async function appendMessages(trx: Transaction<Database>, session: SessionRow, messages: NewMessage[]): Promise<MessageRow[]> {
  const rows = messages.map((m, i) => ({
    session_id: session.id,
    user_id: session.user_id,
    sequence: session.message_count + i + 1,
    role: m.role,
    content: m.content,
    metadata: JSON.stringify(m.metadata),
    is_fallback: m.is_fallback,
    sentiment_polarity: m.sentiment_polarity,
    crisis: m.crisis,
    created_at: m.created_at,
  }));
  const inserted = await trx.insertInto('chat_messages').values(rows).returningAll().execute();
  const last = messages.reduce((t, m) => (m.created_at > t ? m.created_at : t), session.last_activity);
  await trx
    .updateTable('chat_sessions')
    .set({ message_count: session.message_count + messages.length, last_activity: last, updated_at: new Date() })
    .where('id', '=', session.id)
    .execute();
  return inserted.sort((a, b) => a.sequence - b.sequence);
}

export async function countUserTurns(db: Db, sessionId: string): Promise<number> {
  const r = await db.selectFrom('chat_messages').select(sql<number>`count(*)::int`.as('n')).where('session_id', '=', sessionId).where('role', '=', 'user').executeTakeFirstOrThrow();
  return r.n;
}

/** The last `limit` messages in conversation order. */
export async function recentMessages(db: Db, sessionId: string, limit: number): Promise<MessageRow[]> {
  const rows = await db.selectFrom('chat_messages').selectAll().where('session_id', '=', sessionId).orderBy('sequence', 'desc').limit(limit).execute();
  return rows.reverse();
}

export async function allMessages(db: Db, sessionId: string): Promise<MessageRow[]> {
  return db.selectFrom('chat_messages').selectAll().where('session_id', '=', sessionId).orderBy('sequence', 'asc').execute();
}

export interface SessionFilter {
  userId: string;
  limit: number;
  status?: string;
  sessionType?: string;
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
  const r = await db.selectFrom('chat_sessions').select(sql<number>`count(*)::int`.as('n')).where('user_id', '=', userId).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
  return r.n;
}

export async function setSessionStatus(db: Db, userId: string, id: string, status: string): Promise<SessionRow | undefined> {
  return db.updateTable('chat_sessions').set({ status, updated_at: new Date() }).where('id', '=', id).where('user_id', '=', userId).where('deleted_at', 'is', null).returningAll().executeTakeFirst();
}

export async function softDeleteSession(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db.updateTable('chat_sessions').set({ deleted_at: new Date() }).where('id', '=', id).where('user_id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function findIdempotent(db: Db, userId: string, scope: string, key: string) {
  return db.selectFrom('idempotency_keys').selectAll().where('user_id', '=', userId).where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
}

/**
 * Claims the key inside the write transaction. If another request holds it, PostgreSQL makes this wait for
 * that transaction and then reports the conflict, so exactly one of two racing retries writes rows.
 */
export async function claimIdempotencyKey(trx: Transaction<Database>, row: { user_id: string; scope: string; key: string; request_hash: string }): Promise<boolean> {
  const r = await sql<{ key: string }>`
    INSERT INTO idempotency_keys (user_id, scope, key, request_hash, status_code, response)
    VALUES (${row.user_id}, ${row.scope}, ${row.key}, ${row.request_hash}, 0, 'null'::jsonb)
    ON CONFLICT DO NOTHING RETURNING key`.execute(trx);
  return r.rows.length === 1;
}

export async function storeIdempotentResponse(trx: Transaction<Database>, userId: string, scope: string, key: string, status: number, response: unknown): Promise<void> {
  await trx.updateTable('idempotency_keys').set({ status_code: status, response: JSON.stringify(response) }).where('user_id', '=', userId).where('scope', '=', scope).where('key', '=', key).execute();
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
