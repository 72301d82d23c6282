import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MOOD_TYPES, type MoodType } from '../contract/enums.js';
import { largestRemainderPercentages, moodAnalytics, writingAnalytics, type AnalyticsEntry } from './analytics.js';
import { calendarWindow } from './calendar.js';

const NO_CHAT = { messages: 0, avg_sentiment: null };

function entry(at: string | Date, mood: MoodType | null = 'neutral', sentiment: number | null = 0, words = 100): AnalyticsEntry {
  return {
    created_at: typeof at === 'string' ? new Date(at) : at,
    mood,
    sentiment,
    word_count: words,
    reading_time_minutes: Math.max(1, Math.floor(words / 200)),
  };
}

/** Sum in integer hundredths, where float addition cannot blur "exactly 100". */
function hundredths(percentages: number[]): number {
  return percentages.reduce((sum, p) => sum + Math.round(p * 100), 0);
}

function trend(result: ReturnType<typeof moodAnalytics>, date: string) {
  return result.daily_trends.find((t) => t.date === date);
}

describe('largestRemainderPercentages', () => {
  it('gives the leftover hundredth to the first of equal remainders', () => {
    const p = largestRemainderPercentages([1, 1, 1]);
    expect(p).toEqual([33.34, 33.33, 33.33]);
    expect(hundredths(p)).toBe(10_000);
  });

  it('gives leftovers to the largest remainders first', () => {
    expect(largestRemainderPercentages([1, 2])).toEqual([33.33, 66.67]);
    expect(largestRemainderPercentages([1, 1, 1, 1, 1, 1, 1])).toEqual([14.29, 14.29, 14.29, 14.29, 14.28, 14.28, 14.28]);
    expect(largestRemainderPercentages([0, 3, 0, 1, 2])).toEqual([0, 50, 0, 16.67, 33.33]);
  });

  it('keeps exact shares untouched', () => {
    expect(largestRemainderPercentages([1, 1, 2, 0, 0])).toEqual([25, 25, 50, 0, 0]);
  });

  it('is all zero when there is nothing to share', () => {
    expect(largestRemainderPercentages([0, 0, 0, 0, 0])).toEqual([0, 0, 0, 0, 0]);
    expect(largestRemainderPercentages([])).toEqual([]);
  });

  it('honours other precisions', () => {
    expect(largestRemainderPercentages([1, 1, 1], 0)).toEqual([34, 33, 33]);
    expect(largestRemainderPercentages([1, 1, 1], 1)).toEqual([33.4, 33.3, 33.3]);
  });

  it('rejects negative or fractional counts, naming the bad one', () => {
    expect(() => largestRemainderPercentages([1, -1])).toThrow(RangeError);
    expect(() => largestRemainderPercentages([1.5])).toThrow(RangeError);
    expect(() => largestRemainderPercentages([1, -2])).toThrow(/got -2/);
    expect(() => largestRemainderPercentages([0.5])).toThrow(/got 0\.5/);
  });

  it('always sums to 100 and stays within a hundredth of the exact share', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 8 }), (counts) => {
        fc.pre(counts.some((c) => c > 0));
        const total = counts.reduce((a, b) => a + b, 0);
        const p = largestRemainderPercentages(counts);
        expect(hundredths(p)).toBe(10_000);
        for (const [i, pct] of p.entries()) expect(Math.abs(pct - (counts[i]! / total) * 100)).toBeLessThan(0.01 + 1e-9);
      }),
      { numRuns: 300 },
    );
  });
});

const NOW = new Date('2026-06-15T12:00:00Z');
const UTC7 = { now: NOW, days: 7, tz: 'UTC' };

describe('moodAnalytics shape and zero-filling', () => {
  it('reports every mood, every date and zeros for an empty window', () => {
    const result = moodAnalytics([], NO_CHAT, UTC7);
    expect(Object.keys(result.mood_distribution)).toEqual([...MOOD_TYPES]);
    for (const mood of MOOD_TYPES) {
      expect(result.mood_distribution[mood]).toEqual({ count: 0, percentage: 0, avg_sentiment: null, first_entry: null, last_entry: null });
    }
    expect(result.daily_trends).toHaveLength(7);
    expect(result.daily_trends[0]).toEqual({ date: '2026-06-09', entry_count: 0, avg_sentiment: null, dominant_mood: null });
    expect(result.daily_trends.at(-1)?.date).toBe('2026-06-15');
    expect(result.statistics).toEqual({
      total_entries: 0,
      overall_sentiment: null,
      total_words: 0,
      avg_words_per_entry: 0,
      active_days: 0,
      consistency_percentage: 0,
    });
    expect(result).toMatchObject({ period_days: 7, timezone: 'UTC', chat: { messages: 0, avg_sentiment: null } });
  });

  it('zero-fills the moods nobody had', () => {
    const result = moodAnalytics([entry('2026-06-15T08:00:00Z', 'positive', 0.4)], NO_CHAT, UTC7);
    expect(result.mood_distribution.positive).toMatchObject({ count: 1, percentage: 100, avg_sentiment: 0.4 });
    expect(result.mood_distribution.very_negative).toEqual({
      count: 0,
      percentage: 0,
      avg_sentiment: null,
      first_entry: null,
      last_entry: null,
    });
  });

  it('splits awkward counts into percentages that sum to exactly 100', () => {
    const result = moodAnalytics(
      [entry('2026-06-14T08:00:00Z', 'positive'), entry('2026-06-14T09:00:00Z', 'neutral'), entry('2026-06-14T10:00:00Z', 'negative')],
      NO_CHAT,
      UTC7,
    );
    const p = MOOD_TYPES.map((m) => result.mood_distribution[m].percentage);
    expect(p).toEqual([0, 33.34, 33.33, 33.33, 0]);
    expect(hundredths(p)).toBe(10_000);
  });

  it('counts mood-less entries in the totals but not in the distribution', () => {
    const result = moodAnalytics(
      [entry('2026-06-14T08:00:00Z', 'positive', 0.5), entry('2026-06-14T09:00:00Z', null, null), entry('2026-06-14T10:00:00Z', null, 0.1)],
      NO_CHAT,
      UTC7,
    );
    expect(result.statistics.total_entries).toBe(3);
    expect(result.mood_distribution.positive).toMatchObject({ count: 1, percentage: 100 });
    expect(MOOD_TYPES.reduce((n, m) => n + result.mood_distribution[m].count, 0)).toBe(1);
    expect(result.statistics.overall_sentiment).toBe(0.3);
  });

  it('ignores a non-finite sentiment instead of letting it poison the mean', () => {
    const opts = { now: new Date('2025-06-10T12:00:00Z'), days: 7, tz: 'UTC' };
    const m = moodAnalytics(
      [entry('2025-06-09T10:00:00Z', 'positive', 0.5), entry('2025-06-09T11:00:00Z', 'positive', Number.NaN)],
      NO_CHAT,
      opts,
    );
    expect(m.statistics.overall_sentiment).toBe(0.5);
  });

  it('averages only known sentiments, rounded to 4 decimals', () => {
    const result = moodAnalytics(
      [
        entry('2026-06-10T08:00:00Z', 'negative', -0.3),
        entry('2026-06-11T08:00:00Z', 'negative', -0.4),
        entry('2026-06-12T08:00:00Z', 'negative', -0.4),
        entry('2026-06-13T08:00:00Z', 'negative', null),
        entry('2026-06-13T09:00:00Z', 'neutral', null),
      ],
      NO_CHAT,
      UTC7,
    );
    expect(result.mood_distribution.negative.avg_sentiment).toBe(-0.3667);
    expect(result.mood_distribution.neutral.avg_sentiment).toBeNull();
    expect(result.statistics.overall_sentiment).toBe(-0.3667);
    expect(trend(result, '2026-06-13')).toMatchObject({ entry_count: 2, avg_sentiment: null });
  });

  it('reports the first and last entry of each mood as ISO timestamps', () => {
    const result = moodAnalytics(
      [entry('2026-06-12T08:00:00Z', 'positive'), entry('2026-06-10T07:15:00Z', 'positive'), entry('2026-06-14T21:00:00Z', 'positive')],
      NO_CHAT,
      UTC7,
    );
    expect(result.mood_distribution.positive.first_entry).toBe('2026-06-10T07:15:00.000Z');
    expect(result.mood_distribution.positive.last_entry).toBe('2026-06-14T21:00:00.000Z');
  });

  it('computes word statistics and consistency', () => {
    const result = moodAnalytics(
      [
        entry('2026-06-14T08:00:00Z', 'neutral', 0, 10),
        entry('2026-06-14T09:00:00Z', 'neutral', 0, 11),
        entry('2026-06-15T09:00:00Z', 'neutral', 0, 11),
      ],
      NO_CHAT,
      UTC7,
    );
    expect(result.statistics).toMatchObject({ total_words: 32, avg_words_per_entry: 10.67, active_days: 2, consistency_percentage: 28.57 });
  });

  it('reaches exactly 100% consistency, never more, with an entry every day', () => {
    const daily = Array.from({ length: 9 }, (_, i) => entry(new Date(NOW.getTime() - i * 86_400_000)));
    const result = moodAnalytics(daily, NO_CHAT, UTC7);
    expect(result.statistics.active_days).toBe(7);
    expect(result.statistics.consistency_percentage).toBe(100);
  });

  it('passes chat figures through, rounding the sentiment', () => {
    expect(moodAnalytics([], { messages: 12, avg_sentiment: 0.123456 }, UTC7).chat).toEqual({ messages: 12, avg_sentiment: 0.1235 });
  });
});

describe('moodAnalytics daily trends', () => {
  it('breaks dominant-mood ties by MoodType order', () => {
    const result = moodAnalytics(
      [
        entry('2026-06-14T08:00:00Z', 'negative'),
        entry('2026-06-14T09:00:00Z', 'positive'),
        entry('2026-06-15T08:00:00Z', 'very_negative'),
        entry('2026-06-15T09:00:00Z', 'neutral'),
        entry('2026-06-13T08:00:00Z', 'negative'),
        entry('2026-06-13T09:00:00Z', 'negative'),
        entry('2026-06-13T10:00:00Z', 'very_positive'),
      ],
      NO_CHAT,
      UTC7,
    );
    expect(trend(result, '2026-06-14')?.dominant_mood).toBe('positive');
    expect(trend(result, '2026-06-15')?.dominant_mood).toBe('neutral');
    expect(trend(result, '2026-06-13')?.dominant_mood).toBe('negative');
  });

  it('has no dominant mood on a day whose entries have no mood', () => {
    const result = moodAnalytics([entry('2026-06-14T08:00:00Z', null, null)], NO_CHAT, UTC7);
    expect(trend(result, '2026-06-14')).toEqual({ date: '2026-06-14', entry_count: 1, avg_sentiment: null, dominant_mood: null });
  });

  it('puts 23:30 and 00:30 local time on different dates, in several zones', () => {
    const cases = [
      ['UTC', '2026-06-13T23:30:00Z', '2026-06-14T00:30:00Z'],
      ['Europe/Berlin', '2026-06-13T21:30:00Z', '2026-06-13T22:30:00Z'],
      ['America/Los_Angeles', '2026-06-14T06:30:00Z', '2026-06-14T07:30:00Z'],
      ['Asia/Tokyo', '2026-06-13T14:30:00Z', '2026-06-13T15:30:00Z'],
    ] as const;
    for (const [tz, lateEvening, afterMidnight] of cases) {
      const result = moodAnalytics([entry(lateEvening), entry(afterMidnight)], NO_CHAT, { now: NOW, days: 7, tz });
      expect(trend(result, '2026-06-13')?.entry_count, tz).toBe(1);
      expect(trend(result, '2026-06-14')?.entry_count, tz).toBe(1);
      expect(result.statistics.active_days, tz).toBe(2);
    }
  });

  it('has exactly `days` dates across the Berlin spring-forward day and files 00:30 local on that day', () => {
    const opts = { now: new Date('2026-04-01T10:00:00Z'), days: 7, tz: 'Europe/Berlin' };
    const result = moodAnalytics(
      [
        entry('2026-03-28T23:30:00Z', 'positive'), // 00:30 CET on 2026-03-29
        entry('2026-03-29T01:30:00Z', 'positive'), // 03:30 CEST, after the jump
        entry('2026-03-29T22:30:00Z', 'negative'), // 00:30 CEST on 2026-03-30
      ],
      NO_CHAT,
      opts,
    );
    expect(result.daily_trends.map((t) => t.date)).toEqual([
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
      '2026-03-31',
      '2026-04-01',
    ]);
    expect(trend(result, '2026-03-28')?.entry_count).toBe(0);
    expect(trend(result, '2026-03-29')?.entry_count).toBe(2);
    expect(trend(result, '2026-03-30')?.entry_count).toBe(1);
  });

  it('files both 01:30s of the Berlin fall-back day on that day', () => {
    const opts = { now: new Date('2026-10-27T10:00:00Z'), days: 7, tz: 'Europe/Berlin' };
    const result = moodAnalytics(
      [entry('2026-10-24T22:30:00Z'), entry('2026-10-24T23:30:00Z'), entry('2026-10-25T00:30:00Z'), entry('2026-10-25T22:59:59Z')],
      NO_CHAT,
      opts,
    );
    expect(result.daily_trends).toHaveLength(7);
    expect(trend(result, '2026-10-25')?.entry_count).toBe(4);
  });

  it('handles the Los Angeles change days', () => {
    const opts = { now: new Date('2026-11-03T20:00:00Z'), days: 7, tz: 'America/Los_Angeles' };
    const result = moodAnalytics(
      [
        entry('2026-11-01T07:30:00Z'), // 00:30 PDT on 2026-11-01
        entry('2026-11-02T07:30:00Z'), // 23:30 PST on 2026-11-01
        entry('2026-11-02T08:30:00Z'), // 00:30 PST on 2026-11-02
      ],
      NO_CHAT,
      opts,
    );
    expect(result.daily_trends).toHaveLength(7);
    expect(trend(result, '2026-10-31')?.entry_count).toBe(0);
    expect(trend(result, '2026-11-01')?.entry_count).toBe(2);
    expect(trend(result, '2026-11-02')?.entry_count).toBe(1);

    const spring = moodAnalytics([entry('2026-03-08T08:30:00Z'), entry('2026-03-09T06:30:00Z')], NO_CHAT, {
      now: new Date('2026-03-10T20:00:00Z'),
      days: 7,
      tz: 'America/Los_Angeles',
    });
    expect(spring.daily_trends).toHaveLength(7);
    expect(trend(spring, '2026-03-08')?.entry_count).toBe(2);
  });

  it('uses the Kiritimati date (UTC+14), a day ahead of UTC', () => {
    const opts = { now: new Date('2026-06-15T10:30:00Z'), days: 7, tz: 'Pacific/Kiritimati' };
    const result = moodAnalytics([entry('2026-06-15T09:30:00Z'), entry('2026-06-15T10:15:00Z')], NO_CHAT, opts);
    expect(result.daily_trends.at(-1)?.date).toBe('2026-06-16');
    expect(trend(result, '2026-06-15')?.entry_count).toBe(1);
    expect(trend(result, '2026-06-16')?.entry_count).toBe(1);
  });
});

describe('window boundaries (days=7)', () => {
  const w = calendarWindow(NOW, 7, 'Europe/Berlin');
  const opts = { now: NOW, days: 7, tz: 'Europe/Berlin' };
  const at = (ms: number) => entry(new Date(ms));

  it('excludes the millisecond before the start and includes the start itself', () => {
    expect(moodAnalytics([at(w.startInstant.getTime() - 1)], NO_CHAT, opts).statistics.total_entries).toBe(0);
    expect(moodAnalytics([at(w.startInstant.getTime())], NO_CHAT, opts).statistics.total_entries).toBe(1);
    expect(writingAnalytics([at(w.startInstant.getTime() - 1)], opts).total_entries).toBe(0);
    expect(writingAnalytics([at(w.startInstant.getTime())], opts).total_entries).toBe(1);
  });

  it('includes the last millisecond of today and excludes future entries', () => {
    expect(moodAnalytics([at(w.endInstant.getTime() - 1)], NO_CHAT, opts).statistics.total_entries).toBe(1);
    expect(moodAnalytics([at(w.endInstant.getTime())], NO_CHAT, opts).statistics.total_entries).toBe(0);
    expect(moodAnalytics([at(NOW.getTime() + 30 * 86_400_000)], NO_CHAT, opts).statistics.total_entries).toBe(0);
    expect(writingAnalytics([at(w.endInstant.getTime())], opts).total_entries).toBe(0);
  });

  it('lands an entry at the start instant on the first date of the window', () => {
    const result = moodAnalytics([at(w.startInstant.getTime())], NO_CHAT, opts);
    expect(result.daily_trends[0]).toMatchObject({ date: w.from, entry_count: 1 });
  });
});

// America/St_Johns ended DST at 00:01 until 2011: on 2010-11-07 the wall clock showed 00:00 (NDT, 02:30Z)
// for one minute, then went back to 23:01 on 2010-11-06 (NST) for an hour, and 2010-11-07 began again
// at 03:30Z. An instant inside a window's instant range can so carry a local date outside it.
describe('window boundaries where the clock jumps back over midnight (America/St_Johns, 2010)', () => {
  const TZ = 'America/St_Johns';

  it('drops an entry in the repeated hour at the start: inside the instant range, dated the day before', () => {
    const opts = { now: new Date('2010-11-08T15:00:00Z'), days: 2, tz: TZ };
    const entries = [
      entry('2010-11-07T02:30:30Z', 'positive', 0.2), // 2010-11-07 00:00:30 NDT: in
      entry('2010-11-07T03:00:00Z', 'positive', 0.2), // 2010-11-06 23:30 NST (second time round): out
      entry('2010-11-07T04:00:00Z', 'positive', 0.2), // 2010-11-07 00:30 NST: in
    ];
    expect(writingAnalytics(entries, opts).total_entries).toBe(2);
    const m = moodAnalytics(entries, NO_CHAT, opts);
    expect(m.statistics.total_entries).toBe(2);
    expect(m.daily_trends.reduce((sum, d) => sum + d.entry_count, 0)).toBe(2);
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

describe('writingAnalytics', () => {
  it('reports nulls and zeros for an empty window', () => {
    expect(writingAnalytics([], UTC7)).toEqual({
      period_days: 7,
      timezone: 'UTC',
      total_entries: 0,
      total_words: 0,
      avg_words_per_entry: 0,
      longest_entry_words: null,
      shortest_entry_words: null,
      active_days: 0,
      total_reading_time_minutes: 0,
      consistency_percentage: 0,
      avg_entries_per_active_day: 0,
      streak_info: { current_streak: 0, longest_streak: 0, total_active_days: 0, last_entry_date: null },
    });
  });

  it('sums, averages and finds the extremes of the window only', () => {
    const result = writingAnalytics(
      [
        entry('2026-06-10T08:00:00Z', 'neutral', 0, 50),
        entry('2026-06-10T09:00:00Z', 'neutral', 0, 450),
        entry('2026-06-12T08:00:00Z', 'neutral', 0, 1000),
        entry('2026-06-14T08:00:00Z', 'neutral', 0, 3),
        entry('2026-06-14T09:00:00Z', 'neutral', 0, 200),
        entry('2026-06-01T09:00:00Z', 'neutral', 0, 9999), // outside the window
      ],
      UTC7,
    );
    expect(result).toMatchObject({
      total_entries: 5,
      total_words: 1703,
      avg_words_per_entry: 340.6,
      longest_entry_words: 1000,
      shortest_entry_words: 3,
      active_days: 3,
      total_reading_time_minutes: 1 + 2 + 5 + 1 + 1,
      consistency_percentage: 42.86,
      avg_entries_per_active_day: 1.67,
    });
    // The entry before the window is still a day of the user's history: streaks are not the window's.
    expect(result.streak_info).toEqual({ current_streak: 1, longest_streak: 1, total_active_days: 4, last_entry_date: '2026-06-14' });
  });

  it('counts a current streak ending yesterday and does not bridge gaps', () => {
    const result = writingAnalytics(
      ['2026-06-09', '2026-06-10', '2026-06-11', '2026-06-13', '2026-06-14'].map((d) => entry(`${d}T12:00:00Z`)),
      UTC7,
    );
    expect(result.streak_info).toEqual({ current_streak: 2, longest_streak: 3, total_active_days: 5, last_entry_date: '2026-06-14' });
  });

  it('has no current streak when the last entry was two days ago', () => {
    const result = writingAnalytics(
      ['2026-06-11', '2026-06-12', '2026-06-13'].map((d) => entry(`${d}T12:00:00Z`)),
      UTC7,
    );
    expect(result.streak_info).toMatchObject({ current_streak: 0, longest_streak: 3, last_entry_date: '2026-06-13' });
  });

  it('counts streaks over local dates, not UTC dates', () => {
    // 23:30 in Los Angeles is already the next UTC day; the streak is yesterday + today locally.
    const opts = { now: new Date('2026-06-15T20:00:00Z'), days: 7, tz: 'America/Los_Angeles' };
    const result = writingAnalytics([entry('2026-06-15T06:30:00Z'), entry('2026-06-15T19:00:00Z')], opts);
    expect(result.streak_info).toMatchObject({ current_streak: 2, longest_streak: 2, last_entry_date: '2026-06-15' });
  });

  it('counts streaks over the whole history given, not the window: a streak belongs to the user', () => {
    const daily = Array.from({ length: 20 }, (_, i) => entry(new Date(NOW.getTime() - i * 86_400_000)));
    const older = ['2026-04-01', '2026-04-02'].map((d) => entry(`${d}T12:00:00Z`));
    const result = writingAnalytics([...daily, ...older], UTC7);
    expect(result.streak_info).toEqual({ current_streak: 20, longest_streak: 20, total_active_days: 22, last_entry_date: '2026-06-15' });
    expect(result).toMatchObject({ active_days: 7, total_entries: 7, consistency_percentage: 100 });
  });

  it('leaves entries after the end of the window out of the streaks', () => {
    const result = writingAnalytics([entry('2026-06-14T12:00:00Z'), entry('2026-06-16T12:00:00Z')], UTC7);
    expect(result.streak_info).toEqual({ current_streak: 1, longest_streak: 1, total_active_days: 1, last_entry_date: '2026-06-14' });
  });
});

describe('analytics invariants over random inputs', () => {
  const zones = ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Kolkata'];
  const arbitraryEntry = fc.record({
    offsetMinutes: fc.integer({ min: -60 * 24 * 45, max: 60 * 24 * 3 }),
    mood: fc.option(fc.constantFrom(...MOOD_TYPES)),
    sentiment: fc.option(fc.double({ min: -1, max: 1, noNaN: true })),
    words: fc.nat({ max: 2000 }),
  });

  it('keeps current <= longest, consistency <= 100, and trends and percentages consistent with totals', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryEntry, { maxLength: 60 }),
        fc.constantFrom(...zones),
        fc.integer({ min: 7, max: 40 }),
        fc.integer({ min: 0, max: 400 * 86_400_000 }),
        (raw, tz, days, nowShift) => {
          const now = new Date(Date.UTC(2025, 9, 1) + nowShift);
          const entries = raw.map((r) => entry(new Date(now.getTime() + r.offsetMinutes * 60_000), r.mood, r.sentiment, r.words));
          const opts = { now, days, tz };
          const writing = writingAnalytics(entries, opts);
          const mood = moodAnalytics(entries, NO_CHAT, opts);

          expect(writing.streak_info.current_streak).toBeLessThanOrEqual(writing.streak_info.longest_streak);
          expect(writing.streak_info.longest_streak).toBeLessThanOrEqual(writing.streak_info.total_active_days);
          expect(writing.active_days).toBeLessThanOrEqual(writing.streak_info.total_active_days);
          expect(writing.active_days).toBeLessThanOrEqual(days);
          expect(writing.consistency_percentage).toBeLessThanOrEqual(100);
          expect(mood.daily_trends).toHaveLength(days);
          expect(mood.daily_trends.reduce((n, t) => n + t.entry_count, 0)).toBe(mood.statistics.total_entries);
          expect(mood.daily_trends.filter((t) => t.entry_count > 0)).toHaveLength(mood.statistics.active_days);
          expect(writing.total_entries).toBe(mood.statistics.total_entries);

          const withMood = MOOD_TYPES.reduce((n, m) => n + mood.mood_distribution[m].count, 0);
          const pct = MOOD_TYPES.map((m) => mood.mood_distribution[m].percentage);
          expect(hundredths(pct)).toBe(withMood > 0 ? 10_000 : 0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
