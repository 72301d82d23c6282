import { addDays } from './calendar.js';

export interface StreakInfo {
  current_streak: number;
  longest_streak: number;
  total_active_days: number;
  last_entry_date: string | null;
}

/**
 * Streaks over local dates ('YYYY-MM-DD'). Only strictly consecutive dates form a run: a gap of even
 * one day ends it (bridging gaps is what once let current_streak exceed longest_streak). The current
 * streak is the run ending today or yesterday, since today's entry may simply not be written yet.
 */
export function streakInfo(activeDates: Iterable<string>, today: string): StreakInfo {
  const dates = [...new Set(activeDates)].sort();
  const yesterday = addDays(today, -1);
  let longest = 0;
  let current = 0;
  let run = 0;
  dates.forEach((date, i) => {
    const previous = dates[i - 1];
    run = previous !== undefined && addDays(previous, 1) === date ? run + 1 : 1;
    longest = Math.max(longest, run);
    if (date === today || date === yesterday) current = run;
  });
  return {
    current_streak: current,
    longest_streak: longest,
    total_active_days: dates.length,
    last_entry_date: dates.at(-1) ?? null,
  };
}
