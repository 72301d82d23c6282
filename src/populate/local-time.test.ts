import { describe, expect, it } from 'vitest';
import { localDate } from '../domain/calendar.js';
import { atLocalTime, epochDay, isWeekend, monthsBefore, wallSeconds, weekday } from './local-time.js';

const H = 3600;
const BER = 'Europe/Berlin';
const LA = 'America/Los_Angeles';
const at = (date: string, seconds: number, tz: string) => atLocalTime(date, seconds, tz).toISOString();

describe('wallSeconds', () => {
  it('reads hours, minutes and seconds of the local wall clock', () => {
    expect(wallSeconds(new Date('2026-07-16T04:01:01Z'), BER)).toBe(6 * H + 61);
    expect(wallSeconds(new Date('2026-01-16T04:01:01Z'), BER)).toBe(5 * H + 61);
    expect(wallSeconds(new Date('2026-07-16T04:01:01Z'), LA)).toBe(21 * H + 61);
    expect(wallSeconds(new Date('2026-07-16T04:01:01Z'), 'UTC')).toBe(4 * H + 61);
    expect(wallSeconds(new Date('2026-07-15T22:00:00Z'), BER)).toBe(0);
    expect(wallSeconds(new Date('2026-07-16T21:59:59Z'), BER)).toBe(86_399);
  });
});

describe('atLocalTime', () => {
  it('an ordinary day', () => {
    expect(at('2026-07-16', 6 * H + 61, BER)).toBe('2026-07-16T04:01:01.000Z');
    expect(at('2026-01-16', 12 * H, BER)).toBe('2026-01-16T11:00:00.000Z');
    expect(at('2026-07-16', 12 * H, LA)).toBe('2026-07-16T19:00:00.000Z');
    expect(at('2026-07-16', 12 * H, 'UTC')).toBe('2026-07-16T12:00:00.000Z');
  });

  it('Berlin spring-forward day (23 hours)', () => {
    expect(at('2026-03-29', 0, BER)).toBe('2026-03-28T23:00:00.000Z');
    expect(at('2026-03-29', 3 * H, BER)).toBe('2026-03-29T01:00:00.000Z');
    expect(at('2026-03-29', 12 * H, BER)).toBe('2026-03-29T10:00:00.000Z');
    expect(at('2026-03-29', 86_399, BER)).toBe('2026-03-29T21:59:59.000Z');
    // 02:30 does not exist that day: some instant of that date stands in.
    const skipped = atLocalTime('2026-03-29', 2.5 * H, BER).getTime();
    expect(skipped).toBeGreaterThanOrEqual(Date.parse('2026-03-28T23:00:00Z'));
    expect(skipped).toBeLessThan(Date.parse('2026-03-29T22:00:00Z'));
  });

  it('Berlin fall-back day (25 hours)', () => {
    expect(at('2026-10-25', 0, BER)).toBe('2026-10-24T22:00:00.000Z');
    expect(at('2026-10-25', 2.5 * H, BER)).toBe('2026-10-25T00:30:00.000Z');
    expect(at('2026-10-25', 12 * H, BER)).toBe('2026-10-25T11:00:00.000Z');
    expect(at('2026-10-25', 86_399, BER)).toBe('2026-10-25T22:59:59.000Z');
    expect(at('2026-10-25', 23 * H + 17 * 60, BER)).toBe('2026-10-25T22:17:00.000Z');
  });

  it('Los Angeles DST days', () => {
    expect(at('2026-03-08', 0, LA)).toBe('2026-03-08T08:00:00.000Z');
    expect(at('2026-03-08', 20 * H, LA)).toBe('2026-03-09T03:00:00.000Z');
    expect(at('2026-03-08', 3 * H, LA)).toBe('2026-03-08T10:00:00.000Z');
    expect(at('2026-11-01', 1.5 * H, LA)).toBe('2026-11-01T08:30:00.000Z');
    expect(at('2026-11-01', 23 * H + 59 * 60, LA)).toBe('2026-11-02T07:59:00.000Z');
  });

  // Hours 0..22 only: on a spring-forward day a wall time in the last local hour (23:xx) currently comes
  // back as 23:59:59 (the first guess lands on the next date); see the helper's report.
  it('round-trips through the wall clock for hours 0..22 of the DST days', () => {
    for (const [date, tz, gap] of [
      ['2026-03-29', BER, 2],
      ['2026-10-25', BER, -1],
      ['2026-03-08', LA, 2],
      ['2026-11-01', LA, -1],
    ] as const) {
      for (let h = 0; h < 23; h++) {
        if (h === gap) continue;
        expect(wallSeconds(atLocalTime(date, h * H + 17 * 60, tz), tz)).toBe(h * H + 17 * 60);
      }
    }
  });

  it('clamps to the day: before midnight to its start, past the end to its last second', () => {
    expect(at('2026-07-16', -5, BER)).toBe('2026-07-15T22:00:00.000Z');
    expect(at('2026-03-29', 25 * H, BER)).toBe('2026-03-29T21:59:59.000Z');
    expect(at('2026-07-16', 86_400, BER)).toBe('2026-07-16T21:59:59.000Z');
  });

  it('answers the same on repeated calls (cached day starts)', () => {
    expect(at('2026-10-25', 5 * H, BER)).toBe('2026-10-25T04:00:00.000Z');
    expect(at('2026-10-25', 5 * H, BER)).toBe('2026-10-25T04:00:00.000Z');
    expect(at('2026-10-25', 5 * H, LA)).toBe('2026-10-25T12:00:00.000Z');
  });
});

describe('calendar helpers', () => {
  it('monthsBefore clamps to the shorter month', () => {
    expect(monthsBefore('2026-03-31', 1)).toBe('2026-02-28');
    expect(monthsBefore('2024-03-31', 1)).toBe('2024-02-29');
    expect(monthsBefore('2026-01-15', 1)).toBe('2025-12-15');
    expect(monthsBefore('2026-05-31', 12)).toBe('2025-05-31');
    expect(monthsBefore('2026-01-31', 13)).toBe('2024-12-31');
    expect(monthsBefore('2026-12-31', 0)).toBe('2026-12-31');
    expect(monthsBefore('2026-12-01', 11)).toBe('2026-01-01');
    expect(monthsBefore('0101-01-01', 1)).toBe('0100-12-01');
  });

  it('weekday, isWeekend and epochDay', () => {
    expect(['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-28'].map(weekday)).toEqual([0, 1, 2, 6]);
    expect(['2026-11-21', '2026-11-22', '2026-11-23', '2026-11-27'].map(isWeekend)).toEqual([true, true, false, false]);
    expect(epochDay('1970-01-01')).toBe(0);
    expect(epochDay('1970-01-02')).toBe(1);
    expect(epochDay('1969-12-31')).toBe(-1);
    expect(epochDay('2026-03-29')).toBe(20541);
  });
});

// The last hour of a spring-forward day once collapsed to 23:59:59, so several planned times shared one instant.
describe('atLocalTime on days shorter than 24 hours', () => {
  for (const [tz, date] of [
    ['Europe/Berlin', '2026-03-29'],
    ['America/Los_Angeles', '2026-03-08'],
  ] as const) {
    it(`${tz} ${date}: every minute of the last hours maps to itself`, () => {
      const seen = new Set<number>();
      for (let s = 20 * 3600; s < 24 * 3600; s += 60) {
        const at = atLocalTime(date, s, tz);
        expect(localDate(at, tz)).toBe(date);
        expect(wallSeconds(at, tz)).toBe(s);
        seen.add(at.getTime());
      }
      expect(seen.size).toBe(4 * 60);
    });
  }
  it('Europe/Berlin 2026-03-29 23:17 is 21:17Z', () => {
    expect(atLocalTime('2026-03-29', 23 * 3600 + 17 * 60, 'Europe/Berlin').toISOString()).toBe('2026-03-29T21:17:00.000Z');
  });
});
