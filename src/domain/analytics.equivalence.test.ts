import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MOOD_TYPES, type MoodType } from '../contract/enums.js';
import {
  largestRemainderPercentages,
  moodAnalytics,
  writingAnalytics,
  type AnalyticsEntry,
  type MoodAnalytics,
  type MoodBucket,
  type DailyTrend,
  type WindowOptions,
  type WritingAnalytics,
} from './analytics.js';
import { calendarWindow, localDate, startOfLocalDay } from './calendar.js';
import { offsetSteps } from './day-index.js';
import { round } from './rounding.js';
import { streakInfo } from './streaks.js';

// The analytics as they were before local dates came from day-index.ts: one Intl call per entry, groups
// keyed by date string. Kept verbatim as the reference the current code must reproduce exactly. It
// shares calendarWindow and localDate with the code under test; calendar.test.ts pins those. One change
// since: streaks span every entry before the window's end, not the window's (issue 16, docs/CONTRACT.md).
// ---- reference implementation (verbatim but for streak_info) ----
interface DatedEntry {
  entry: AnalyticsEntry;
  date: string;
}

/**
 * The entries inside the window, each with its local date. Callers may pass a superset; the date
 * check only matters where a backward clock jump at midnight puts an instant inside the range on a
 * date outside it, and keeps daily rows summing to the totals even then.
 */
function entriesInWindow(entries: AnalyticsEntry[], opts: WindowOptions) {
  const window = calendarWindow(opts.now, opts.days, opts.tz);
  const dateSet = new Set(window.dates);
  const start = window.startInstant.getTime();
  const end = window.endInstant.getTime();
  const dated: DatedEntry[] = [];
  for (const entry of entries) {
    const t = entry.created_at.getTime();
    if (!(t >= start && t < end)) continue;
    const date = localDate(entry.created_at, opts.tz);
    if (dateSet.has(date)) dated.push({ entry, date });
  }
  return { window, dated };
}

/** Mean of the known sentiments at 4 decimals; null when none is known, never a fake 0. */
function meanSentiment(entries: AnalyticsEntry[]): number | null {
  const known = entries.map((e) => e.sentiment).filter((s): s is number => s !== null && Number.isFinite(s));
  if (known.length === 0) return null;
  return round(known.reduce((a, b) => a + b, 0) / known.length, 4);
}

/** The most frequent mood, ties going to the earlier MoodType; null when no entry has a mood. */
function dominantMood(entries: AnalyticsEntry[]): MoodType | null {
  let best: MoodType | null = null;
  let bestCount = 0;
  for (const mood of MOOD_TYPES) {
    const count = entries.filter((e) => e.mood === mood).length;
    if (count > bestCount) {
      best = mood;
      bestCount = count;
    }
  }
  return best;
}

function consistency(activeDays: number, days: number): number {
  return Math.min(100, round((activeDays / days) * 100, 2));
}

function groupByDate(dated: DatedEntry[]): Map<string, AnalyticsEntry[]> {
  const groups = new Map<string, AnalyticsEntry[]>();
  for (const { entry, date } of dated) {
    const group = groups.get(date);
    if (group) group.push(entry);
    else groups.set(date, [entry]);
  }
  return groups;
}

// A reduce rather than Math.max(...xs): spreading a year of entries into arguments can overflow the stack.
function extremes(xs: number[]): { min: number; max: number } | null {
  if (xs.length === 0) return null;
  return xs.reduce((acc, x) => ({ min: Math.min(acc.min, x), max: Math.max(acc.max, x) }), { min: Infinity, max: -Infinity });
}

function moodBucket(entries: AnalyticsEntry[], percentage: number): MoodBucket {
  const span = extremes(entries.map((e) => e.created_at.getTime()));
  return {
    count: entries.length,
    percentage,
    avg_sentiment: meanSentiment(entries),
    first_entry: span ? new Date(span.min).toISOString() : null,
    last_entry: span ? new Date(span.max).toISOString() : null,
  };
}

function referenceMoodAnalytics(
  entries: AnalyticsEntry[],
  chat: { messages: number; avg_sentiment: number | null },
  opts: WindowOptions,
): MoodAnalytics {
  const { window, dated } = entriesInWindow(entries, opts);
  const inWindow = dated.map((d) => d.entry);

  const byMood = MOOD_TYPES.map((mood) => inWindow.filter((e) => e.mood === mood));
  const percentages = largestRemainderPercentages(byMood.map((group) => group.length));
  const mood_distribution = Object.fromEntries(
    MOOD_TYPES.map((mood, i) => [mood, moodBucket(byMood[i] ?? [], percentages[i] ?? 0)]),
  ) as Record<MoodType, MoodBucket>;

  const byDate = groupByDate(dated);
  const daily_trends = window.dates.map((date): DailyTrend => {
    const day = byDate.get(date) ?? [];
    return { date, entry_count: day.length, avg_sentiment: meanSentiment(day), dominant_mood: dominantMood(day) };
  });

  const total_words = inWindow.reduce((sum, e) => sum + e.word_count, 0);
  return {
    period_days: opts.days,
    timezone: opts.tz,
    mood_distribution,
    daily_trends,
    statistics: {
      total_entries: inWindow.length,
      overall_sentiment: meanSentiment(inWindow),
      total_words,
      avg_words_per_entry: inWindow.length ? round(total_words / inWindow.length, 2) : 0,
      active_days: byDate.size,
      consistency_percentage: consistency(byDate.size, opts.days),
    },
    chat: { messages: chat.messages, avg_sentiment: chat.avg_sentiment === null ? null : round(chat.avg_sentiment, 4) },
  };
}

function referenceWritingAnalytics(entries: AnalyticsEntry[], opts: WindowOptions): WritingAnalytics {
  const { window, dated } = entriesInWindow(entries, opts);
  const inWindow = dated.map((d) => d.entry);
  const words = inWindow.map((e) => e.word_count);
  const wordSpan = extremes(words);
  const total_words = words.reduce((a, b) => a + b, 0);
  const activeDates = new Set(dated.map((d) => d.date));
  const active_days = activeDates.size;

  return {
    period_days: opts.days,
    timezone: opts.tz,
    total_entries: inWindow.length,
    total_words,
    avg_words_per_entry: inWindow.length ? round(total_words / inWindow.length, 2) : 0,
    longest_entry_words: wordSpan?.max ?? null,
    shortest_entry_words: wordSpan?.min ?? null,
    active_days,
    total_reading_time_minutes: inWindow.reduce((sum, e) => sum + e.reading_time_minutes, 0),
    consistency_percentage: consistency(active_days, opts.days),
    avg_entries_per_active_day: active_days ? round(inWindow.length / active_days, 2) : 0,
    streak_info: streakInfo(
      entries.filter((e) => e.created_at.getTime() < window.endInstant.getTime()).map((e) => localDate(e.created_at, opts.tz)),
      window.to,
    ),
  };
}
// ---- end of reference implementation ----

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const INTERESTING_ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/Los_Angeles',
  'America/St_Johns',
  'America/Goose_Bay',
  'America/Santiago',
  'America/Havana',
  'America/Sao_Paulo',
  'Asia/Beirut',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Kiritimati',
  'Pacific/Apia',
  'Pacific/Pago_Pago',
  'Africa/Casablanca',
];
const ALL_ZONES = Intl.supportedValuesOf('timeZone');

// Instants where something happens to the local date in INTERESTING_ZONES, to put "now" just after.
const EVENTS = [
  '2010-11-07T02:31:00Z',
  '2010-03-14T03:31:00Z',
  '2026-04-05T03:00:00Z',
  '2026-09-06T04:00:00Z',
  '2012-04-01T05:00:00Z',
  '2018-02-18T02:00:00Z',
  '2026-10-24T21:00:00Z',
  '1994-12-31T10:00:00Z',
  '2011-12-30T10:00:00Z',
  '2026-04-04T15:00:00Z',
  '1985-12-31T18:30:00Z',
  '2026-03-29T01:00:00Z',
].map(Date.parse);

const arbitraryNow = fc.oneof(
  fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2040, 0, 1) }),
  fc.tuple(fc.constantFrom(...EVENTS), fc.integer({ min: -3 * DAY, max: 40 * DAY })).map(([event, after]) => event + after),
);

const arbitraryDays = fc.oneof(fc.constantFrom(1, 2, 7, 30, 365), fc.integer({ min: 1, max: 400 }));

const arbitrarySentiment = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0) },
);

// Where an entry is put: anywhere around the window, near the start of one of its local days, or near an
// offset change. Fractions, not instants, because the window is only known once `now` is drawn.
const arbitraryPlacement = fc.oneof(
  fc.record({ kind: fc.constant('anywhere' as const), at: fc.double({ min: -0.05, max: 1.05, noNaN: true }), shift: fc.constant(0) }),
  fc.record({
    kind: fc.constant('midnight' as const),
    at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    shift: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
  }),
  fc.record({
    kind: fc.constant('change' as const),
    at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    shift: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
  }),
);

const arbitraryEntry = fc.record({
  placement: arbitraryPlacement,
  mood: fc.option(fc.constantFrom(...MOOD_TYPES), { freq: 5 }),
  sentiment: arbitrarySentiment,
  words: fc.nat({ max: 5000 }),
  reading: fc.nat({ max: 30 }),
});

type Placement = { kind: 'anywhere' | 'midnight' | 'change'; at: number; shift: number };

/** Turns placements into instants for one window (computed once: a window costs hundreds of Intl calls). */
function placer(opts: WindowOptions): (p: Placement) => number {
  const w = calendarWindow(opts.now, opts.days, opts.tz);
  const start = w.startInstant.getTime();
  const span = w.endInstant.getTime() - start;
  const { starts } = offsetSteps(opts.tz, start, w.endInstant.getTime());
  return (p) => {
    if (p.kind === 'anywhere') return start + Math.floor(p.at * span);
    if (p.kind === 'midnight') return startOfLocalDay(w.dates[Math.floor(p.at * w.dates.length)] as string, opts.tz).getTime() + p.shift;
    return (starts[Math.floor(p.at * starts.length)] as number) + p.shift;
  };
}

type RawEntry = { placement: Placement; mood: MoodType | null; sentiment: number | null; words: number; reading: number };

function entriesFor(raw: RawEntry[], opts: WindowOptions): AnalyticsEntry[] {
  const place = placer(opts);
  return raw.map((r) => ({
    created_at: new Date(place(r.placement)),
    mood: r.mood,
    sentiment: r.sentiment,
    word_count: r.words,
    reading_time_minutes: r.reading,
  }));
}

/** Both results must be the same objects and the same bytes on the wire. */
function expectIdentical<T>(actual: T, expected: T) {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

function expectSameAnalytics(entries: AnalyticsEntry[], opts: WindowOptions, chat = { messages: 3, avg_sentiment: 0.123456 }) {
  expectIdentical(moodAnalytics(entries, chat, opts), referenceMoodAnalytics(entries, chat, opts));
  expectIdentical(writingAnalytics(entries, opts), referenceWritingAnalytics(entries, opts));
}

// Seeded property runs of a few seconds of CPU each: the default 5 s timed out on a loaded 2-core machine,
// a timing failure that says nothing about the code (no assertion here is about time).
describe('analytics against the reference implementation (one Intl call per entry)', { timeout: 60_000 }, () => {
  it('is identical for random entries around local midnights and offset changes, in unusual zones', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INTERESTING_ZONES),
        arbitraryNow,
        arbitraryDays,
        fc.array(arbitraryEntry, { maxLength: 80 }),
        (tz, nowMs, days, raw) => {
          const opts = { now: new Date(nowMs), days, tz };
          expectSameAnalytics(entriesFor(raw, opts), opts);
        },
      ),
      { seed: 4_242, numRuns: 120 },
    );
  });

  it('is identical in any zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_ZONES),
        arbitraryNow,
        arbitraryDays,
        fc.array(arbitraryEntry, { maxLength: 30 }),
        (tz, nowMs, days, raw) => {
          const opts = { now: new Date(nowMs), days, tz };
          expectSameAnalytics(entriesFor(raw, opts), opts);
        },
      ),
      { seed: 19_941_231, numRuns: 80 },
    );
  });

  it.each(['Europe/Berlin', 'America/St_Johns', 'Pacific/Kiritimati'])('is identical for a year of 10k entries in %s', (tz) => {
    // Several entries a day in no particular order, with repeated instants and every kind of sentiment.
    const now = new Date('2026-06-15T12:00:00Z');
    let seed = 7;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const entries = Array.from(
      { length: 10_000 },
      (_, i): AnalyticsEntry => ({
        created_at: new Date(now.getTime() - Math.floor(next() * 370 * DAY) + (i % 7 === 0 ? 0 : 1)),
        mood: i % 11 === 0 ? null : (MOOD_TYPES[Math.floor(next() * MOOD_TYPES.length)] as MoodType),
        sentiment: i % 13 === 0 ? null : next() * 2 - 1,
        word_count: Math.floor(next() * 2000),
        reading_time_minutes: 1 + Math.floor(next() * 10),
      }),
    );
    expectSameAnalytics(entries, { now, days: 365, tz });
    expectSameAnalytics(entries, { now, days: 30, tz });
  });

  it('sums sentiments in entry order, on which the fourth decimal of a mean can depend', () => {
    // Summed forwards the mean is -0.028950000000000004 and rounds to -0.029; summed backwards it rounds to -0.0289.
    const opts = { now: new Date('2026-06-15T12:00:00Z'), days: 7, tz: 'Europe/Berlin' };
    const entries = [-0.71611, 0.71433, -0.08507].map(
      (sentiment, i): AnalyticsEntry => ({
        created_at: new Date(Date.UTC(2026, 5, 14, 8 + i)),
        mood: 'neutral',
        sentiment,
        word_count: 1,
        reading_time_minutes: 1,
      }),
    );
    const result = moodAnalytics(entries, { messages: 0, avg_sentiment: null }, opts);
    expect(result.statistics.overall_sentiment).toBe(-0.029);
    expect(result.mood_distribution.neutral.avg_sentiment).toBe(-0.029);
    expect(result.daily_trends.find((d) => d.date === '2026-06-14')?.avg_sentiment).toBe(-0.029);
    expectSameAnalytics(entries, opts);
  });

  it('is identical across the St Johns backward jump over midnight, at both ends of the window', () => {
    const at = (iso: string, mood: MoodType | null = 'neutral'): AnalyticsEntry => ({
      created_at: new Date(iso),
      mood,
      sentiment: 0.25,
      word_count: 10,
      reading_time_minutes: 1,
    });
    const entries = [
      '2010-11-07T02:30:30Z',
      '2010-11-07T02:31:00Z',
      '2010-11-07T03:00:00Z',
      '2010-11-07T03:30:00Z',
      '2010-11-07T04:00:00Z',
      '2010-11-06T12:00:00Z',
    ].map((t) => at(t));
    for (const now of ['2010-11-07T02:45:00Z', '2010-11-07T03:15:00Z', '2010-11-08T15:00:00Z', '2010-11-09T15:00:00Z']) {
      for (const days of [1, 2, 3]) expectSameAnalytics(entries, { now: new Date(now), days, tz: 'America/St_Johns' });
    }
  });
});
