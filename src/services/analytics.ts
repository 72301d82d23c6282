import type { AnalyticsQuery, MoodAnalytics, WritingAnalytics } from '../contract/analytics.js';
import { chatSentimentInWindow } from '../db/queries/chat.js';
import { entriesInWindow } from '../db/queries/entries.js';
import { moodAnalytics, writingAnalytics, type AnalyticsEntry } from '../domain/analytics.js';
import { calendarWindow } from '../domain/calendar.js';
import type { ServiceDeps } from './deps.js';
import { iso } from './mappers.js';
import { requireUser } from './ownership.js';

// No cache: every figure is read from the rows at request time, so a write shows immediately and no
// response can come from another user's or another window's computation.
async function windowOf(deps: ServiceDeps, q: AnalyticsQuery) {
  const user = await requireUser(deps, q.user_id);
  const tz = q.tz ?? user.timezone;
  const now = deps.now();
  return { tz, now, w: calendarWindow(now, q.days, tz) };
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
  const { tz, now, w } = await windowOf(deps, q);
  // Independent reads: on two pool connections they overlap instead of queueing one behind the other.
  const [entries, chat] = await Promise.all([
    entriesIn(deps, q.user_id, w.startInstant, w.endInstant),
    chatSentimentInWindow(deps.db, q.user_id, w.startInstant, w.endInstant),
  ]);
  const avg = chat.avg_sentiment === null ? null : Math.round(Number(chat.avg_sentiment) * 10_000) / 10_000;
  return { ...moodAnalytics(entries, { messages: chat.messages, avg_sentiment: avg }, { now, days: q.days, tz }), generated_at: iso(now) };
}

export async function getWritingAnalytics(deps: ServiceDeps, q: AnalyticsQuery): Promise<WritingAnalytics> {
  const { tz, now, w } = await windowOf(deps, q);
  // From the first entry on: streaks are a property of the user's history, not of the window.
  const entries = await entriesIn(deps, q.user_id, null, w.endInstant);
  return { ...writingAnalytics(entries, { now, days: q.days, tz }), generated_at: iso(now) };
}
