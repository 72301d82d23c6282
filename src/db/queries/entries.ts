import { sql, type Kysely } from 'kysely';
import type { MoodType } from '../../contract/enums.js';
import type { Database, EntryRow, NewEntry } from '../schema.js';

export async function insertEntry(db: Kysely<Database>, e: NewEntry): Promise<EntryRow> {
  return db.insertInto('entries').values(e).returningAll().executeTakeFirstOrThrow();
}

export async function findEntry(db: Kysely<Database>, userId: string, id: string): Promise<EntryRow | undefined> {
  return db
    .selectFrom('entries')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export interface EntryFilter {
  userId: string;
  skip: number;
  limit: number;
  topicId?: string;
  from?: Date;
  to?: Date;
  mood?: MoodType;
}

export async function listEntries(db: Kysely<Database>, f: EntryFilter): Promise<EntryRow[]> {
  let q = db.selectFrom('entries').selectAll().where('user_id', '=', f.userId).where('deleted_at', 'is', null);
  if (f.topicId) q = q.where('topic_id', '=', f.topicId);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  if (f.mood) q = q.where('mood', '=', f.mood);
  // id breaks ties so pagination is stable when entries share a timestamp.
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').offset(f.skip).limit(f.limit).execute();
}

export async function updateEntry(
  db: Kysely<Database>,
  userId: string,
  id: string,
  patch: Partial<NewEntry>,
): Promise<EntryRow | undefined> {
  return db
    .updateTable('entries')
    .set((eb) => ({ ...patch, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** The id of the row this marked deleted; undefined when no live row of this user has it. */
export async function softDeleteEntry(db: Kysely<Database>, userId: string, id: string): Promise<{ id: string } | undefined> {
  return db
    .updateTable('entries')
    .set({ deleted_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
}

/**
 * The rows analytics need, for one user and one half-open instant window (with no start: everything
 * before its end). created_at comes as epoch milliseconds: node-postgres parses timestamptz text with
 * regexes into a Date (about 4 ms for a year of entries, more than the analytics computation), a float8
 * with parseFloat. It is the instant that
 * parser gives: date_trunc drops the microseconds as it does, and date_part's float seconds times 1000
 * are within 0.1 ms of the true count before year 10000 (every analytics window is), so round() is
 * exact. The all-numeric floor(extract(epoch ...) * 1000) costs the server three times as much.
 */
export async function entriesInWindow(db: Kysely<Database>, userId: string, start: Date | null, end: Date) {
  let query = db
    .selectFrom('entries')
    .select([
      sql<number>`round(date_part('epoch', date_trunc('milliseconds', created_at)) * 1000)`.as('created_ms'),
      'mood',
      'sentiment_score',
      'word_count',
      'reading_time_minutes',
    ])
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .where('created_at', '<', end);
  // No start: every entry before `end` (writing analytics, whose streaks span the user's whole history).
  if (start !== null) query = query.where('created_at', '>=', start);
  return query.execute();
}
