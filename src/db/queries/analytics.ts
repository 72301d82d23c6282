import { sql, type Kysely } from 'kysely';
import type { ChatTotals, DayBucket } from '../../domain/analytics-rollup.js';
import type { Database } from '../schema.js';

/**
 * The entry_days buckets of one user and zone with local dates in [from, to], `day` as the index of the
 * date in the window (from = 0). Dates and instants come as numbers: node-postgres would parse each into a
 * Date (see entriesInWindow).
 */
export async function entryDays(db: Kysely<Database>, userId: string, zone: string, from: string, to: string): Promise<DayBucket[]> {
  const r = await sql<DayBucket>`
    SELECT day - ${from}::date AS day, mood, entries, words::float8 AS words, reading_minutes::float8 AS reading_minutes,
           min_words, max_words, sentiment_sum, sentiment_n,
           round(date_part('epoch', date_trunc('milliseconds', first_at)) * 1000) AS first_ms,
           round(date_part('epoch', date_trunc('milliseconds', last_at)) * 1000) AS last_ms
    FROM entry_days
    WHERE user_id = ${userId} AND zone = ${zone} AND day >= ${from}::date AND day <= ${to}::date`.execute(db);
  return r.rows;
}

/** The user turns of live sessions of one user on the local dates [from, to] of a zone. */
export async function chatDays(db: Kysely<Database>, userId: string, zone: string, from: string, to: string): Promise<ChatTotals> {
  const r = await sql<ChatTotals>`
    SELECT coalesce(sum(messages), 0)::int AS messages, coalesce(sum(polarity_sum), 0)::float8 AS polarity_sum,
           coalesce(sum(polarity_n), 0)::int AS polarity_n
    FROM chat_days
    WHERE user_id = ${userId} AND zone = ${zone} AND day >= ${from}::date AND day <= ${to}::date`.execute(db);
  return r.rows[0] ?? { messages: 0, polarity_sum: 0, polarity_n: 0 };
}

/**
 * Builds the rollups of one more zone for a user (analytics_materialize_zone, migration 0004); false when
 * the user has `maxZones` already or when PostgreSQL does not know the zone.
 */
export async function materializeZone(db: Kysely<Database>, userId: string, zone: string, maxZones: number): Promise<boolean> {
  try {
    const r = await sql<{ ok: boolean }>`SELECT analytics_materialize_zone(${userId}::uuid, ${zone}, ${maxZones}::int) AS ok`.execute(db);
    return r.rows[0]?.ok === true;
  } catch (error) {
    // 22023 invalid_parameter_value: "time zone ... not recognized".
    if ((error as { code?: string }).code === '22023') return false;
    throw error;
  }
}

/** The local dates (as days since 1970-01-01) with a live entry of a user in a zone, up to `to`, ascending. */
export async function activeDaysUpTo(db: Kysely<Database>, userId: string, zone: string, to: string): Promise<number[]> {
  const r = await sql<{ d: number }>`
    SELECT DISTINCT day - '1970-01-01'::date AS d FROM entry_days
    WHERE user_id = ${userId} AND zone = ${zone} AND day <= ${to}::date AND entries > 0 ORDER BY 1`.execute(db);
  return r.rows.map((row) => row.d);
}
