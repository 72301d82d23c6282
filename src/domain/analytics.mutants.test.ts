import { describe, expect, it } from 'vitest';
import type { MoodType } from '../contract/enums.js';
import { largestRemainderPercentages, moodAnalytics, writingAnalytics, type AnalyticsEntry } from './analytics.js';

// Written against the survivors of a Stryker run (stryker.config.mjs).

const entry = (iso: string, sentiment: number | null = 0.2, mood: MoodType | null = 'positive'): AnalyticsEntry => ({
  created_at: new Date(iso),
  mood,
  sentiment,
  word_count: 100,
  reading_time_minutes: 1,
});

// America/St_Johns ended DST at 00:01 until 2011: on 2010-11-07 the wall clock showed 00:00 (NDT, 02:30Z)
// for one minute, then went back to 23:01 on 2010-11-06 (NST) for an hour, and 2010-11-07 began again
// at 03:30Z. An instant inside a window's instant range can so carry a local date outside it.
const TZ = 'America/St_Johns';

describe('analytics windows across a backward jump over midnight (mutation-driven)', () => {
  it('drops an entry in the repeated hour at the start: inside the instant range, dated the day before', () => {
    const opts = { now: new Date('2010-11-08T15:00:00Z'), days: 2, tz: TZ };
    const entries = [
      entry('2010-11-07T02:30:30Z'), // 2010-11-07 00:00:30 NDT: in
      entry('2010-11-07T03:00:00Z'), // 2010-11-06 23:30 NST (second time round): out
      entry('2010-11-07T04:00:00Z'), // 2010-11-07 00:30 NST: in
    ];
    const w = writingAnalytics(entries, opts);
    expect(w.total_entries).toBe(2);
    const m = moodAnalytics(entries, { messages: 0, avg_sentiment: null }, opts);
    expect(m.statistics.total_entries).toBe(2);
    expect(m.daily_trends.reduce((s, d) => s + d.entry_count, 0)).toBe(2);
  });

  it('ends the window at the first moment of the next day, even if the clock then shows the last day again', () => {
    const opts = { now: new Date('2010-11-07T03:15:00Z'), days: 1, tz: TZ }; // today is 2010-11-06 (second pass)
    const entries = [
      entry('2010-11-07T02:00:00Z'), // 2010-11-06 23:30 NDT, before the window's end instant: in
      entry('2010-11-07T03:00:00Z'), // 2010-11-06 23:30 NST, after it (the query's range ends there too): out
    ];
    expect(writingAnalytics(entries, opts).total_entries).toBe(1);
  });
});

describe('analytics values (mutation-driven)', () => {
  it('ignores a non-finite sentiment instead of letting it poison the mean', () => {
    const opts = { now: new Date('2025-06-10T12:00:00Z'), days: 7, tz: 'UTC' };
    const m = moodAnalytics(
      [entry('2025-06-09T10:00:00Z', 0.5), entry('2025-06-09T11:00:00Z', Number.NaN)],
      { messages: 0, avg_sentiment: null },
      opts,
    );
    expect(m.statistics.overall_sentiment).toBe(0.5);
  });

  it('names a bad count', () => {
    expect(() => largestRemainderPercentages([1, -2])).toThrow('counts must be non-negative integers, got -2');
    expect(() => largestRemainderPercentages([0.5])).toThrow('counts must be non-negative integers, got 0.5');
  });
});
