import { MOOD_TYPES, type MoodType } from '../contract/enums.js';
import {
  consistency,
  largestRemainderPercentages,
  type DailyTrend,
  type MoodAnalytics,
  type MoodBucket,
  type WindowOptions,
  type WritingAnalytics,
} from './analytics.js';
import { calendarDates, dateOfEpochDay } from './calendar.js';
import { round } from './rounding.js';
import { streakInfo } from './streaks.js';

/**
 * The figures of the entries of one local day with one mood ('' for none): what the entry_days rollup
 * keeps (migration 0004). `day` is the index of the local date in the window's dates.
 */
export interface DayBucket {
  day: number;
  mood: string;
  entries: number;
  words: number;
  reading_minutes: number;
  min_words: number | null;
  max_words: number | null;
  sentiment_sum: number;
  sentiment_n: number;
  first_ms: number | null;
  last_ms: number | null;
}

/** The user turns of a window: their number and the sum and count of the known polarities. */
export interface ChatTotals {
  messages: number;
  polarity_sum: number;
  polarity_n: number;
}

const MOOD_INDEX = new Map<string, number>(MOOD_TYPES.map((mood, i) => [mood, i]));

const mean = (sum: number, n: number): number | null => (n === 0 ? null : round(sum / n, 4));

interface Acc {
  entries: number;
  sentiment_sum: number;
  sentiment_n: number;
}
const acc = (): Acc => ({ entries: 0, sentiment_sum: 0, sentiment_n: 0 });
function add(a: Acc, b: DayBucket): void {
  a.entries += b.entries;
  a.sentiment_sum += b.sentiment_sum;
  a.sentiment_n += b.sentiment_n;
}

/**
 * The mood analytics of a window from its day buckets: the same figures moodAnalytics computes from the
 * entries (analytics-rollup.test.ts holds one against the other), in time proportional to the days, not
 * the entries. Buckets outside the window are ignored.
 */
export function moodFromRollups(buckets: readonly DayBucket[], chat: ChatTotals, opts: WindowOptions): MoodAnalytics {
  const { dates } = calendarDates(opts.now, opts.days, opts.tz);
  const byMood = MOOD_TYPES.map(() => ({ ...acc(), first: Infinity, last: -Infinity }));
  const byDay = dates.map(() => ({ ...acc(), moods: MOOD_TYPES.map(() => 0) }));
  const total = acc();
  let total_words = 0;
  for (const b of buckets) {
    const day = byDay[b.day];
    if (!day || b.entries === 0) continue;
    add(total, b);
    add(day, b);
    total_words += b.words;
    const m = MOOD_INDEX.get(b.mood);
    if (m === undefined) continue;
    const mood = byMood[m]!;
    add(mood, b);
    day.moods[m]! += b.entries;
    if (b.first_ms !== null) mood.first = Math.min(mood.first, b.first_ms);
    if (b.last_ms !== null) mood.last = Math.max(mood.last, b.last_ms);
  }

  const percentages = largestRemainderPercentages(byMood.map((m) => m.entries));
  const mood_distribution = Object.fromEntries(
    MOOD_TYPES.map((mood, i): [MoodType, MoodBucket] => {
      const m = byMood[i]!;
      return [
        mood,
        {
          count: m.entries,
          percentage: percentages[i] ?? 0,
          avg_sentiment: mean(m.sentiment_sum, m.sentiment_n),
          first_entry: m.entries ? new Date(m.first).toISOString() : null,
          last_entry: m.entries ? new Date(m.last).toISOString() : null,
        },
      ];
    }),
  ) as Record<MoodType, MoodBucket>;

  let active_days = 0;
  const daily_trends = dates.map((date, i): DailyTrend => {
    const d = byDay[i]!;
    if (d.entries > 0) active_days++;
    // The most frequent mood, ties to the earlier MoodType; null when no entry of the day has one.
    let dominant: MoodType | null = null;
    let best = 0;
    d.moods.forEach((count, m) => {
      if (count > best) [dominant, best] = [MOOD_TYPES[m]!, count];
    });
    return { date, entry_count: d.entries, avg_sentiment: mean(d.sentiment_sum, d.sentiment_n), dominant_mood: dominant };
  });

  return {
    period_days: opts.days,
    timezone: opts.tz,
    mood_distribution,
    daily_trends,
    statistics: {
      total_entries: total.entries,
      overall_sentiment: mean(total.sentiment_sum, total.sentiment_n),
      total_words,
      avg_words_per_entry: total.entries ? round(total_words / total.entries, 2) : 0,
      active_days,
      consistency_percentage: consistency(active_days, opts.days),
    },
    chat: { messages: chat.messages, avg_sentiment: mean(chat.polarity_sum, chat.polarity_n) },
  };
}

/**
 * The writing analytics of a window from its day buckets (see moodFromRollups). Streaks span the user's
 * history (docs/CONTRACT.md): `historyDays` are the local dates (days since 1970-01-01) with an entry, up
 * to the window's last date.
 */
export function writingFromRollups(buckets: readonly DayBucket[], historyDays: readonly number[], opts: WindowOptions): WritingAnalytics {
  const { dates, to } = calendarDates(opts.now, opts.days, opts.tz);
  const entriesOfDay = dates.map(() => 0);
  let total_entries = 0;
  let total_words = 0;
  let reading = 0;
  let longest: number | null = null;
  let shortest: number | null = null;
  for (const b of buckets) {
    if (b.day < 0 || b.day >= dates.length || b.entries === 0) continue;
    entriesOfDay[b.day]! += b.entries;
    total_entries += b.entries;
    total_words += b.words;
    reading += b.reading_minutes;
    if (b.max_words !== null) longest = longest === null ? b.max_words : Math.max(longest, b.max_words);
    if (b.min_words !== null) shortest = shortest === null ? b.min_words : Math.min(shortest, b.min_words);
  }
  const activeDates = dates.filter((_, i) => entriesOfDay[i]! > 0);
  const active_days = activeDates.length;
  return {
    period_days: opts.days,
    timezone: opts.tz,
    total_entries,
    total_words,
    avg_words_per_entry: total_entries ? round(total_words / total_entries, 2) : 0,
    longest_entry_words: longest,
    shortest_entry_words: shortest,
    active_days,
    total_reading_time_minutes: reading,
    consistency_percentage: consistency(active_days, opts.days),
    avg_entries_per_active_day: active_days ? round(total_entries / active_days, 2) : 0,
    streak_info: streakInfo(historyDays.map(dateOfEpochDay), to),
  };
}
