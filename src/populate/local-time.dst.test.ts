import { describe, expect, it } from 'vitest';
import { atLocalTime, wallSeconds } from './local-time.js';
import { localDate } from '../domain/calendar.js';

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
