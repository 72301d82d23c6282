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

/** Insert unless a live topic of that name exists; tells which happened so the route can answer 201 or 200. */
export async function insertTopicIdempotent(
  db: Kysely<Database>,
  t: { user_id: string; name: string; description: string | null; color: string; tags: string[] },
): Promise<{ id: string; created: boolean }> {
  const inserted = await sql<{ id: string }>`
    INSERT INTO topics (user_id, name, description, color, tags)
    VALUES (${t.user_id}, ${t.name}, ${t.description}, ${t.color}, ${JSON.stringify(t.tags)}::jsonb)
    ON CONFLICT (user_id, name) WHERE deleted_at IS NULL DO NOTHING
    RETURNING id`.execute(db);
  if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
  const existing = await db
    .selectFrom('topics')
    .select('id')
    .where('user_id', '=', t.user_id)
    .where('name', '=', t.name)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
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
