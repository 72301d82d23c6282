import { sql, type Kysely } from 'kysely';
import type { Database, TopicRow } from '../schema.js';

export type TopicWithCounts = TopicRow & { entry_count: number; last_entry_date: Date | null };

function withCounts(db: Kysely<Database>) {
  return db
    .selectFrom('topics as t')
    .selectAll('t')
    .select((eb) => [
      eb
        .selectFrom('entries as e')
        .whereRef('e.topic_id', '=', 't.id')
        .where('e.deleted_at', 'is', null)
        .select(sql<number>`count(*)::int`.as('c'))
        .as('entry_count'),
      eb
        .selectFrom('entries as e')
        .whereRef('e.topic_id', '=', 't.id')
        .where('e.deleted_at', 'is', null)
        .select(sql<Date | null>`max(e.created_at)`.as('m'))
        .as('last_entry_date'),
    ]);
}

/**
 * The live topic of this name, created unless one exists, with its counts, in ONE statement: a topic of
 * that name deleted concurrently is either still found (DO UPDATE locks its row, so the delete waits, or
 * went first) or gone, and then PostgreSQL retries the insert; the answer never names a row that a
 * separate later read could miss. DO UPDATE writes no new value; it is there to lock and return the
 * existing row (DO NOTHING returns nothing). `created` is true when the row is new (xmax is 0 only on an
 * inserted row; an updated one carries this transaction's id).
 */
export async function createOrGetTopic(
  db: Kysely<Database>,
  t: { user_id: string; name: string; description: string | null; color: string; tags: string[] },
): Promise<{ topic: TopicWithCounts; created: boolean }> {
  const r = await sql<TopicWithCounts & { created: boolean }>`
    WITH t AS (
      INSERT INTO topics (user_id, name, description, color, tags)
      VALUES (${t.user_id}, ${t.name}, ${t.description}, ${t.color}, ${JSON.stringify(t.tags)}::jsonb)
      ON CONFLICT (user_id, name) WHERE deleted_at IS NULL DO UPDATE SET name = EXCLUDED.name
      RETURNING *, (xmax = 0) AS created
    )
    SELECT t.*,
      (SELECT count(*)::int FROM entries e WHERE e.topic_id = t.id AND e.deleted_at IS NULL) AS entry_count,
      (SELECT max(e.created_at) FROM entries e WHERE e.topic_id = t.id AND e.deleted_at IS NULL) AS last_entry_date
    FROM t`.execute(db);
  const { created, ...topic } = r.rows[0]!;
  return { topic, created };
}

export async function findTopic(db: Kysely<Database>, userId: string, id: string): Promise<TopicWithCounts | undefined> {
  return (await withCounts(db)
    .where('t.id', '=', id)
    .where('t.user_id', '=', userId)
    .where('t.deleted_at', 'is', null)
    .executeTakeFirst()) as TopicWithCounts | undefined;
}

export async function listTopics(db: Kysely<Database>, userId: string): Promise<TopicWithCounts[]> {
  return (await withCounts(db)
    .where('t.user_id', '=', userId)
    .where('t.deleted_at', 'is', null)
    .orderBy('t.created_at')
    .orderBy('t.name')
    .execute()) as TopicWithCounts[];
}

/**
 * Marks the topic deleted and detaches its entries (topic_id null) in one transaction, so no entry ever
 * names a deleted topic. The id of the row it marked; undefined when no live row of this user has it.
 * A write putting an entry into the topic holds lockLiveTopic until it commits: the delete's first
 * statement waits for it, and its second (a new snapshot under READ COMMITTED) then sees that entry too.
 */
export async function softDeleteTopic(db: Kysely<Database>, userId: string, id: string): Promise<{ id: string } | undefined> {
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const row = await trx
      .updateTable('topics')
      .set({ deleted_at: now, updated_at: now })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (row) {
      // Deleted entries too: a deleted topic is referenced by nothing. Detaching changes what GET answers,
      // so it is an update of the entry like any other (updated_at, version).
      await trx
        .updateTable('entries')
        .set((eb) => ({ topic_id: null, updated_at: now, version: eb('version', '+', 1) }))
        .where('topic_id', '=', id)
        .where('user_id', '=', userId)
        .execute();
    }
    return row;
  });
}

/** Whether the topic is a live topic of this user (a list filter's check; no counts). */
export async function isLiveTopic(db: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('topics')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Inside a write's transaction: share-locks the live topic until commit, so a concurrent delete of it
 * waits for the write (and then detaches what it wrote). False when it is not a live topic of this user,
 * also when a delete committed while this waited (the lock re-reads the row it waited for).
 */
export async function lockLiveTopic(trx: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const row = await trx
    .selectFrom('topics')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .forShare()
    .executeTakeFirst();
  return row !== undefined;
}
