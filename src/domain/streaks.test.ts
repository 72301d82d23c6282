import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { addDays } from './calendar.js';
import { streakInfo } from './streaks.js';

const TODAY = '2026-06-15';

describe('streakInfo', () => {
  it('is all zero and null without activity', () => {
    expect(streakInfo([], TODAY)).toEqual({ current_streak: 0, longest_streak: 0, total_active_days: 0, last_entry_date: null });
  });

  it('counts a run ending today as current', () => {
    expect(streakInfo(['2026-06-13', '2026-06-14', '2026-06-15'], TODAY)).toMatchObject({ current_streak: 3, longest_streak: 3 });
  });

  it('counts a run ending yesterday as current', () => {
    expect(streakInfo(['2026-06-12', '2026-06-13', '2026-06-14'], TODAY)).toMatchObject({ current_streak: 3, longest_streak: 3 });
  });

  it('has no current streak when the last entry was two days ago', () => {
    expect(streakInfo(['2026-06-11', '2026-06-12', '2026-06-13'], TODAY)).toMatchObject({
      current_streak: 0,
      longest_streak: 3,
      last_entry_date: '2026-06-13',
    });
  });

  it('does not bridge a one-day gap', () => {
    const info = streakInfo(['2026-06-08', '2026-06-09', '2026-06-10', '2026-06-12', '2026-06-14', '2026-06-15'], TODAY);
    expect(info).toEqual({ current_streak: 2, longest_streak: 3, total_active_days: 6, last_entry_date: '2026-06-15' });
  });

  it('ignores duplicates and input order', () => {
    const info = streakInfo(['2026-06-15', '2026-06-14', '2026-06-15', '2026-06-14', '2026-06-01'], TODAY);
    expect(info).toEqual({ current_streak: 2, longest_streak: 2, total_active_days: 3, last_entry_date: '2026-06-15' });
  });

  it('runs across month and year ends', () => {
    expect(streakInfo(['2025-12-30', '2025-12-31', '2026-01-01'], '2026-01-01').current_streak).toBe(3);
  });

  it('never reports a current streak longer than the longest, whatever the dates', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }), (offsets) => {
        const dates = offsets.map((o) => addDays(TODAY, -o));
        const info = streakInfo(dates, TODAY);
        expect(info.current_streak).toBeLessThanOrEqual(info.longest_streak);
        expect(info.longest_streak).toBeLessThanOrEqual(info.total_active_days);
        expect(info.total_active_days).toBe(new Set(offsets).size);
        // Cross-check the current streak by walking back from today (or yesterday).
        const active = new Set(offsets);
        const startFrom = active.has(0) ? 0 : active.has(1) ? 1 : -1;
        let expected = 0;
        if (startFrom >= 0) while (active.has(startFrom + expected)) expected++;
        expect(info.current_streak).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
