import { describe, expect, it } from 'vitest';
import { addDays, calendarWindow, isValidTimeZone, localDate, startOfLocalDay } from './calendar.js';

// Written against the survivors of a Stryker run (stryker.config.mjs).

describe('calendar (mutation-driven)', () => {
  it('finds local midnight to the millisecond in an offset that is not a whole quarter hour', () => {
    // Asia/Kolkata kept Madras time, UTC+5:21:10, until 1906: a 15-minute scan alone would miss midnight.
    const start = startOfLocalDay('1900-06-01', 'Asia/Kolkata');
    expect(start.toISOString()).toBe('1900-05-31T18:38:50.000Z');
    expect(localDate(new Date(start.getTime() - 1), 'Asia/Kolkata')).toBe('1900-05-31');
  });

  it('pads years below 1000 to four digits, both ways', () => {
    expect(localDate(new Date('0999-06-15T12:00:00Z'), 'UTC')).toBe('0999-06-15');
    expect(addDays('0999-12-31', 1)).toBe('1000-01-01');
    expect(addDays('1000-01-01', -1)).toBe('0999-12-31');
  });

  it('rejects what is not a time zone name without throwing', () => {
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
    expect(isValidTimeZone(42 as unknown as string)).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('   ')).toBe(false);
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
  });

  it('says which argument was wrong', () => {
    expect(() => addDays('2024-02-30', 1)).toThrow('not a calendar date (YYYY-MM-DD): 2024-02-30');
    expect(() => addDays('2024-02-01', 1.5)).toThrow('days must be an integer, got 1.5');
    expect(() => calendarWindow(new Date(), 0, 'UTC')).toThrow('days must be a positive integer, got 0');
  });
});
