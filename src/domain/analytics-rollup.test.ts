import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MOOD_TYPES } from '../contract/enums.js';
import { moodAnalytics, writingAnalytics, type AnalyticsEntry } from './analytics.js';
import { moodFromRollups, writingFromRollups, type DayBucket } from './analytics-rollup.js';
import { calendarDates, epochDay, localDate } from './calendar.js';

// The rollup path (what the service answers from entry_days, migration 0004) against the computation from
// the entries (the reference the oracle tests pin), for random entries in random zones: the buckets here are
// made as the triggers make them, one per (local date, mood) with sums, counts and extremes.

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 29, 9, 30); // a European DST change day
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/St_Johns',
  'Pacific/Kiritimati',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'America/Los_Angeles',
];

/** The local dates with an entry up to the window's last date, as days since 1970 (what activeDaysUpTo reads). */
function historyOf(entries: AnalyticsEntry[], now: Date, days: number, tz: string): number[] {
  const { to } = calendarDates(now, days, tz);
  const dates = new Set(entries.map((e) => localDate(e.created_at, tz)).filter((d) => d <= to));
  return [...dates].map(epochDay).sort((a, b) => a - b);
}

function bucketsOf(entries: AnalyticsEntry[], now: Date, days: number, tz: string): DayBucket[] {
  const { dates } = calendarDates(now, days, tz);
  const index = new Map(dates.map((d, i) => [d, i]));
  const buckets = new Map<string, DayBucket>();
  for (const e of entries) {
    const day = index.get(localDate(e.created_at, tz));
    if (day === undefined) continue;
    const mood = e.mood ?? '';
    const key = `${day} ${mood}`;
    const t = e.created_at.getTime();
    const b = buckets.get(key) ?? {
      day,
      mood,
      entries: 0,
      words: 0,
      reading_minutes: 0,
      min_words: null,
      max_words: null,
      sentiment_sum: 0,
      sentiment_n: 0,
      first_ms: null,
      last_ms: null,
    };
    b.entries++;
    b.words += e.word_count;
    b.reading_minutes += e.reading_time_minutes;
    b.min_words = Math.min(b.min_words ?? Infinity, e.word_count);
    b.max_words = Math.max(b.max_words ?? -Infinity, e.word_count);
    if (e.sentiment !== null) {
      b.sentiment_sum += e.sentiment;
      b.sentiment_n++;
    }
    b.first_ms = Math.min(b.first_ms ?? Infinity, t);
    b.last_ms = Math.max(b.last_ms ?? -Infinity, t);
    buckets.set(key, b);
  }
  return [...buckets.values()];
}

// Sentiments in sixteenths: their sums are exact in any order, so the two paths' means are identical.
const entry = fc.record({
  ago: fc.integer({ min: -60_000, max: 400 * DAY }),
  mood: fc.constantFrom(...MOOD_TYPES, null),
  sixteenths: fc.option(fc.integer({ min: -16, max: 16 }), { nil: null }),
  words: fc.integer({ min: 0, max: 5_000 }),
});

describe('analytics from day rollups', () => {
  it('equal the analytics computed from the entries, in any zone and window', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 120 }),
        fc.constantFrom(...ZONES),
        fc.constantFrom(7, 30, 31, 365),
        fc.integer({ min: 0, max: 40 }),
        fc.option(fc.integer({ min: -16, max: 16 }), { nil: null }),
        (drawn, tz, days, messages, chatSixteenths) => {
          const now = new Date(NOW);
          const entries: AnalyticsEntry[] = drawn.map((d) => ({
            created_at: new Date(NOW - d.ago),
            mood: d.mood,
            sentiment: d.sixteenths === null ? null : d.sixteenths / 16,
            word_count: d.words,
            reading_time_minutes: Math.max(1, Math.ceil(d.words / 200)),
          }));
          const polarity = messages && chatSixteenths !== null ? { sum: (chatSixteenths / 16) * messages, n: messages } : { sum: 0, n: 0 };
          const chat = { messages, avg_sentiment: polarity.n ? polarity.sum / polarity.n : null };
          const buckets = bucketsOf(entries, now, days, tz);
          const opts = { now, days, tz };
          expect(moodFromRollups(buckets, { messages, polarity_sum: polarity.sum, polarity_n: polarity.n }, opts)).toEqual(
            moodAnalytics(entries, chat, opts),
          );
          expect(writingFromRollups(buckets, historyOf(entries, now, days, tz), opts)).toEqual(writingAnalytics(entries, opts));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('ignore buckets outside the window and empty ones', () => {
    const now = new Date(NOW);
    const empty = { ...writingFromRollups([], [], { now, days: 7, tz: 'UTC' }) };
    const stray: DayBucket = {
      day: 7,
      mood: 'positive',
      entries: 3,
      words: 30,
      reading_minutes: 3,
      min_words: 5,
      max_words: 15,
      sentiment_sum: 1,
      sentiment_n: 3,
      first_ms: NOW,
      last_ms: NOW,
    };
    expect(writingFromRollups([stray, { ...stray, day: 0, entries: 0 }], [], { now, days: 7, tz: 'UTC' })).toEqual(empty);
    expect(
      moodFromRollups([stray], { messages: 0, polarity_sum: 0, polarity_n: 0 }, { now, days: 7, tz: 'UTC' }).statistics.total_entries,
    ).toBe(0);
  });
});
