import type { AnalyticsQuery, MoodAnalytics, WritingAnalytics } from '../contract/analytics.js';
import { activeDaysUpTo, chatDays, entryDays, materializeZone } from '../db/queries/analytics.js';
import { chatSentimentInWindow } from '../db/queries/chat.js';
import { entriesInWindow } from '../db/queries/entries.js';
import { moodAnalytics, writingAnalytics, type AnalyticsEntry } from '../domain/analytics.js';
import { moodFromRollups, writingFromRollups } from '../domain/analytics-rollup.js';
import { calendarDates, calendarWindow } from '../domain/calendar.js';
import type { ServiceDeps } from './deps.js';
import { iso } from './mappers.js';
import { requireUser } from './ownership.js';

// No cache: every figure is read at request time, so a write shows immediately and no response can come
// from another user's or another window's computation. Figures come from the per-day rollups the database
// keeps in the same transaction as every write (migration 0004): a request reads at most days × 6 rows
// (and, for streaks, one row per active day of the user's history), however many entries there are. A zone
// without rollups gets them built on its first request, up to MAX_ZONES per user (each then maintained by
// every write of the user); beyond that, or for a zone PostgreSQL does not know, figures come from the rows.
export const MAX_ZONES = 4;

async function queryOf(deps: ServiceDeps, q: AnalyticsQuery) {
  const user = await requireUser(deps, q.user_id);
  const tz = q.tz ?? user.timezone;
  const now = deps.now();
  const rolledUp = user.analytics_zones.includes(tz) || (await materializeZone(deps.db, user.id, tz, MAX_ZONES));
  return { tz, now, rolledUp, opts: { now, days: q.days, tz }, ...calendarDates(now, q.days, tz) };
}

async function entriesIn(deps: ServiceDeps, userId: string, start: Date | null, end: Date): Promise<AnalyticsEntry[]> {
  const rows = await entriesInWindow(deps.db, userId, start, end);
  return rows.map((r) => ({
    created_at: new Date(r.created_ms),
    mood: r.mood,
    sentiment: r.sentiment_score,
    word_count: r.word_count,
    reading_time_minutes: r.reading_time_minutes,
  }));
}

export async function getMoodAnalytics(deps: ServiceDeps, q: AnalyticsQuery): Promise<MoodAnalytics> {
  const { tz, now, rolledUp, opts, from, to } = await queryOf(deps, q);
  if (rolledUp) {
    // Independent reads: on two pool connections they overlap instead of queueing one behind the other.
    const [buckets, chat] = await Promise.all([entryDays(deps.db, q.user_id, tz, from, to), chatDays(deps.db, q.user_id, tz, from, to)]);
    return { ...moodFromRollups(buckets, chat, opts), generated_at: iso(now) };
  }
  const w = calendarWindow(now, q.days, tz);
  const [entries, chat] = await Promise.all([
    entriesIn(deps, q.user_id, w.startInstant, w.endInstant),
    chatSentimentInWindow(deps.db, q.user_id, w.startInstant, w.endInstant),
  ]);
  const avg = chat.avg_sentiment === null ? null : Math.round(Number(chat.avg_sentiment) * 10_000) / 10_000;
  return { ...moodAnalytics(entries, { messages: chat.messages, avg_sentiment: avg }, opts), generated_at: iso(now) };
}

export async function getWritingAnalytics(deps: ServiceDeps, q: AnalyticsQuery): Promise<WritingAnalytics> {
  const { tz, now, rolledUp, opts, from, to } = await queryOf(deps, q);
  if (rolledUp) {
    // Streaks are a property of the user's history, not of the window: every active day up to today.
    const [buckets, history] = await Promise.all([entryDays(deps.db, q.user_id, tz, from, to), activeDaysUpTo(deps.db, q.user_id, tz, to)]);
    return { ...writingFromRollups(buckets, history, opts), generated_at: iso(now) };
  }
  const w = calendarWindow(now, q.days, tz);
  // From the first entry on: streaks are a property of the user's history, not of the window.
  const entries = await entriesIn(deps, q.user_id, null, w.endInstant);
  return { ...writingAnalytics(entries, opts), generated_at: iso(now) };
}
