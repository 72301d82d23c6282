import type { MoodAnalytics as MoodAnalyticsResponse, WritingAnalytics as WritingAnalyticsResponse } from '../contract/analytics.js';
import { MOOD_TYPES, type MoodType } from '../contract/enums.js';
import { type CalendarWindow, calendarWindow, localDate } from './calendar.js';
import { type DayIndexer, dayIndexer } from './day-index.js';
import { round } from './rounding.js';
import { streakInfo } from './streaks.js';

export interface AnalyticsEntry {
  created_at: Date;
  mood: MoodType | null;
  sentiment: number | null;
  word_count: number;
  reading_time_minutes: number;
}

export interface WindowOptions {
  now: Date;
  days: number;
  tz: string;
}

// The shapes are the contract's (src/contract/analytics.ts) minus the stamp the service adds, so the
// computation cannot drift from what the API documents.
type Computed<T> = Omit<T, 'generated_at'>;
export type MoodAnalytics = Computed<MoodAnalyticsResponse>;
export type WritingAnalytics = Computed<WritingAnalyticsResponse>;
export type MoodBucket = MoodAnalytics['mood_distribution'][MoodType];
export type DailyTrend = MoodAnalytics['daily_trends'][number];

/**
 * Percentages of `counts` that sum to exactly 100 (in units of 10^-decimals) when any count is
 * non-zero: every share is floored, and the leftover units go to the largest remainders, ties to the
 * earlier index. Integer arithmetic keeps remainders exact, so equal counts always tie.
 */
export function largestRemainderPercentages(counts: number[], decimals = 2): number[] {
  for (const c of counts) {
    if (!Number.isSafeInteger(c) || c < 0) throw new RangeError(`counts must be non-negative integers, got ${c}`);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);

  const scale = 10 ** decimals;
  const units = 100 * scale;
  const shares = counts.map((count, index) => {
    const remainder = (count * units) % total;
    return { index, units: (count * units - remainder) / total, remainder };
  });
  let leftover = units - shares.reduce((sum, s) => sum + s.units, 0);
  const byRemainder = [...shares].sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const share of byRemainder) {
    if (leftover === 0) break;
    share.units++;
    leftover--;
  }
  return shares.map((s) => s.units / scale);
}

/**
 * The entries inside the window, and beside each (same position) the index of its local date in
 * window.dates. Callers may pass a superset; the date check only matters where a backward clock jump
 * at midnight puts an instant inside the range on a date outside it, and keeps daily rows summing to
 * the totals even then.
 */
function entriesInWindow(entries: AnalyticsEntry[], opts: WindowOptions) {
  const window = calendarWindow(opts.now, opts.days, opts.tz);
  const dayOf = dayIndexer(window, opts.tz);
  const start = window.startInstant.getTime();
  const end = window.endInstant.getTime();
  const inWindow: AnalyticsEntry[] = [];
  const dayIndex: number[] = [];
  for (const entry of entries) {
    const t = entry.created_at.getTime();
    if (!(t >= start && t < end)) continue;
    const day = dayOf(t);
    if (day < 0) continue;
    inWindow.push(entry);
    dayIndex.push(day);
  }
  return { window, inWindow, dayIndex, dayOf };
}

/**
 * Mean of the known sentiments at 4 decimals; null when none is known, never a fake 0. Summed in
 * entry order, as it always was: the fourth decimal can depend on the order of the additions.
 */
function meanSentiment(entries: AnalyticsEntry[]): number | null {
  let sum = 0;
  let known = 0;
  for (const { sentiment } of entries) {
    if (sentiment === null || !Number.isFinite(sentiment)) continue;
    sum += sentiment;
    known++;
  }
  return known === 0 ? null : round(sum / known, 4);
}

const MOOD_INDEX = new Map<string | null, number>(MOOD_TYPES.map((mood, i) => [mood, i]));

/** The entries of each MoodType, in MOOD_TYPES order; entries without a known mood are in none. */
function groupByMood(entries: AnalyticsEntry[]): AnalyticsEntry[][] {
  const groups = MOOD_TYPES.map((): AnalyticsEntry[] => []);
  for (const entry of entries) {
    const i = MOOD_INDEX.get(entry.mood);
    if (i !== undefined) groups[i]?.push(entry);
  }
  return groups;
}

/** The most frequent mood, ties going to the earlier MoodType; null when no entry has a mood. */
function dominantMood(entries: AnalyticsEntry[]): MoodType | null {
  const groups = groupByMood(entries);
  let best: MoodType | null = null;
  let bestCount = 0;
  for (const [i, mood] of MOOD_TYPES.entries()) {
    const count = groups[i]?.length ?? 0;
    if (count > bestCount) {
      best = mood;
      bestCount = count;
    }
  }
  return best;
}

export function consistency(activeDays: number, days: number): number {
  return Math.min(100, round((activeDays / days) * 100, 2));
}

/** The entries of each window day, in entry order; days without entries stay undefined. */
function groupByDay(entries: AnalyticsEntry[], dayIndex: number[], days: number): (AnalyticsEntry[] | undefined)[] {
  const groups: (AnalyticsEntry[] | undefined)[] = new Array(days).fill(undefined);
  entries.forEach((entry, i) => {
    const day = dayIndex[i] as number;
    const group = groups[day];
    if (group) group.push(entry);
    else groups[day] = [entry];
  });
  return groups;
}

// A loop rather than Math.max(...xs): spreading a year of entries into arguments can overflow the stack.
function extremes(xs: number[]): { min: number; max: number } | null {
  if (xs.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { min, max };
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

export function moodAnalytics(
  entries: AnalyticsEntry[],
  chat: { messages: number; avg_sentiment: number | null },
  opts: WindowOptions,
): MoodAnalytics {
  const { window, inWindow, dayIndex } = entriesInWindow(entries, opts);

  const byMood = groupByMood(inWindow);
  const percentages = largestRemainderPercentages(byMood.map((group) => group.length));
  const mood_distribution = Object.fromEntries(
    MOOD_TYPES.map((mood, i) => [mood, moodBucket(byMood[i] ?? [], percentages[i] ?? 0)]),
  ) as Record<MoodType, MoodBucket>;

  const byDay = groupByDay(inWindow, dayIndex, window.dates.length);
  const daily_trends = window.dates.map((date, i): DailyTrend => {
    const day = byDay[i] ?? [];
    return { date, entry_count: day.length, avg_sentiment: meanSentiment(day), dominant_mood: dominantMood(day) };
  });
  const active_days = byDay.filter((day) => day !== undefined).length;

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
      active_days,
      consistency_percentage: consistency(active_days, opts.days),
    },
    chat: { messages: chat.messages, avg_sentiment: chat.avg_sentiment === null ? null : round(chat.avg_sentiment, 4) },
  };
}

/**
 * The local dates with an entry before the window's end: the window's from its day index, any other one
 * (before the window, or on a date outside it after a backward clock jump) from Intl.
 */
function historyDates(
  entries: AnalyticsEntry[],
  windowDates: string[],
  opts: WindowOptions & { window: CalendarWindow; dayOf: DayIndexer },
) {
  const dates = new Set(windowDates);
  const start = opts.window.startInstant.getTime();
  const end = opts.window.endInstant.getTime();
  for (const entry of entries) {
    const t = entry.created_at.getTime();
    if (t < start || (t < end && opts.dayOf(t) < 0)) dates.add(localDate(entry.created_at, opts.tz));
  }
  return dates;
}

/**
 * Writing figures of the window. `entries` may reach back before it: streak_info is computed over all of
 * them up to the window's end (docs/CONTRACT.md: streaks are unbounded by the window's length), every
 * other figure over the window only.
 */
export function writingAnalytics(entries: AnalyticsEntry[], opts: WindowOptions): WritingAnalytics {
  const { window, inWindow, dayIndex, dayOf } = entriesInWindow(entries, opts);
  const words = inWindow.map((e) => e.word_count);
  const wordSpan = extremes(words);
  const total_words = words.reduce((a, b) => a + b, 0);
  const activeDates = [...new Set(dayIndex)].map((i) => window.dates[i] as string);
  const active_days = activeDates.length;

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
    streak_info: streakInfo(historyDates(entries, activeDates, { ...opts, window, dayOf }), window.to),
  };
}
