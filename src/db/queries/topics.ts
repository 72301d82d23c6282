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

/** The id of the row this marked deleted; undefined when no live row of this user has it. */
export async function softDeleteTopic(db: Kysely<Database>, userId: string, id: string): Promise<{ id: string } | undefined> {
  return db
    .updateTable('topics')
    .set({ deleted_at: new Date(), updated_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
}
