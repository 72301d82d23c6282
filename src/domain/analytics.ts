import { MOOD_TYPES, type MoodType } from '../contract/enums.js';
import { calendarWindow, localDate } from './calendar.js';
import { round } from './rounding.js';
import { streakInfo, type StreakInfo } from './streaks.js';

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

export interface MoodBucket {
  count: number;
  percentage: number;
  avg_sentiment: number | null;
  first_entry: string | null;
  last_entry: string | null;
}

export interface DailyTrend {
  date: string;
  entry_count: number;
  avg_sentiment: number | null;
  dominant_mood: MoodType | null;
}

export interface MoodAnalytics {
  period_days: number;
  timezone: string;
  mood_distribution: Record<MoodType, MoodBucket>;
  daily_trends: DailyTrend[];
  statistics: {
    total_entries: number;
    overall_sentiment: number | null;
    total_words: number;
    avg_words_per_entry: number;
    active_days: number;
    consistency_percentage: number;
  };
  chat: { messages: number; avg_sentiment: number | null };
}

export interface WritingAnalytics {
  period_days: number;
  timezone: string;
  total_entries: number;
  total_words: number;
  avg_words_per_entry: number;
  longest_entry_words: number | null;
  shortest_entry_words: number | null;
  active_days: number;
  total_reading_time_minutes: number;
  consistency_percentage: number;
  avg_entries_per_active_day: number;
  streak_info: StreakInfo;
}

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

export function moodAnalytics(
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

export function writingAnalytics(entries: AnalyticsEntry[], opts: WindowOptions): WritingAnalytics {
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
    streak_info: streakInfo(activeDates, window.to),
  };
}
