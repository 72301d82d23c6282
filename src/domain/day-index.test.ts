import { describe, it, expect, vi } from 'vitest';
import fc from 'fast-check';
import { calendarWindow, localDate, startOfLocalDay, type CalendarWindow } from './calendar.js';
import { dayIndexer, offsetSteps, utcOffset, type DayIndexer } from './day-index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** The definition dayIndexer must match: one Intl call per instant, as analytics once did. */
function intlDayIndexer(window: CalendarWindow, tz: string): DayIndexer {
  const indexOf = new Map(window.dates.map((date, i) => [date, i]));
  return (ms) => indexOf.get(localDate(new Date(ms), tz)) ?? -1;
}

/** Instants of `window` where dayIndexer disagrees with the Intl definition, as readable strings. */
function disagreements(window: CalendarWindow, tz: string, instants: Iterable<number>): string[] {
  const fast = dayIndexer(window, tz);
  const slow = intlDayIndexer(window, tz);
  const start = window.startInstant.getTime();
  const end = window.endInstant.getTime();
  const out: string[] = [];
  for (const ms of instants) {
    if (ms < start || ms >= end) continue;
    if (fast(ms) !== slow(ms)) out.push(`${tz} ${iso(ms)}: ${fast(ms)} instead of ${slow(ms)}`);
  }
  return out;
}

/** Instants around every offset change in the window: the change itself ±1 ms, and three hours either side. */
function aroundChanges(window: CalendarWindow, tz: string, step = 30 * MINUTE): number[] {
  const { starts } = offsetSteps(tz, window.startInstant.getTime(), window.endInstant.getTime());
  const near = [0, 1, 2];
  for (let d = step; d <= 3 * HOUR; d += step) near.push(d);
  return [window.startInstant.getTime(), window.endInstant.getTime() - 1, ...starts.flatMap((t) => near.flatMap((d) => [t - d, t + d]))];
}

function* every(step: number, window: CalendarWindow): Generator<number> {
  for (let ms = window.startInstant.getTime(); ms < window.endInstant.getTime(); ms += step) yield ms;
}

describe('utcOffset', () => {
  it.each([
    ['UTC', '2026-06-15T12:00:00Z', 0],
    ['Europe/Berlin', '2026-01-15T12:00:00Z', 60],
    ['Europe/Berlin', '2026-06-15T12:00:00Z', 120],
    ['America/St_Johns', '2026-01-15T12:00:00Z', -210],
    ['America/Los_Angeles', '2026-06-15T12:00:00Z', -420],
    ['Asia/Kathmandu', '2026-06-15T12:00:00Z', 345],
    ['Australia/Lord_Howe', '2026-01-15T12:00:00Z', 660],
    ['Australia/Lord_Howe', '2026-06-15T12:00:00Z', 630],
    ['Pacific/Kiritimati', '2026-06-15T12:00:00Z', 840],
    ['Pacific/Pago_Pago', '2026-06-15T12:00:00Z', -660],
  ])('%s at %s is %i minutes ahead of UTC', (tz, instant, minutes) => {
    expect(utcOffset(at(instant), tz)).toBe(minutes * MINUTE);
  });

  it('keeps the seconds of historical offsets, and ignores the milliseconds of the instant', () => {
    // Madras time, UTC+5:21:10, and Berlin's local mean time in year 50, UTC+0:53:28.
    expect(utcOffset(at('1900-06-01T00:00:00.999Z'), 'Asia/Kolkata')).toBe((5 * 3600 + 21 * 60 + 10) * 1000);
    expect(utcOffset(at('0050-06-15T12:00:00.001Z'), 'Europe/Berlin')).toBe((53 * 60 + 28) * 1000);
  });

  it('is exact for instants before 1970 with a fraction of a second', () => {
    expect(utcOffset(at('1969-12-31T23:59:59.500Z'), 'UTC')).toBe(0);
    expect(utcOffset(at('1969-12-31T22:59:59.001Z'), 'Europe/Berlin')).toBe(HOUR);
  });

  it('fails loudly when Intl writes the wall clock in another shape', () => {
    // No instant does that with the pinned locale; a runtime with other locale data might. (format is a
    // getter that returns the bound function, typed as a plain method.)
    const prototype = Intl.DateTimeFormat.prototype as { format: unknown };
    const format = vi.spyOn(prototype, 'format', 'get').mockReturnValue(() => '15.6.2026, 14:05:09');
    try {
      expect(() => utcOffset(at('2026-06-15T12:05:09Z'), 'Europe/Berlin')).toThrow(
        'unexpected wall clock format for Europe/Berlin: 15.6.2026, 14:05:09',
      );
    } finally {
      format.mockRestore();
    }
    expect(utcOffset(at('2026-06-15T12:05:09Z'), 'Europe/Berlin')).toBe(2 * HOUR);
  });
});

describe('offsetSteps', () => {
  it('finds both Berlin changes of 2026 to the millisecond', () => {
    const steps = offsetSteps('Europe/Berlin', at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'));
    expect(steps.starts.map(iso)).toEqual(['2026-01-01T00:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-10-25T01:00:00.000Z']);
    expect(steps.offsets).toEqual([HOUR, 2 * HOUR, HOUR]);
  });

  it('finds half-hour changes (Lord Howe) and changes one minute past midnight (St Johns until 2011)', () => {
    const lordHowe = offsetSteps('Australia/Lord_Howe', at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'));
    expect(lordHowe.starts.slice(1).map(iso)).toEqual(['2026-04-04T15:00:00.000Z', '2026-10-03T15:30:00.000Z']);
    expect(lordHowe.offsets.map((o) => o / MINUTE)).toEqual([660, 630, 660]);
    const stJohns = offsetSteps('America/St_Johns', at('2010-01-01T00:00:00Z'), at('2011-01-01T00:00:00Z'));
    expect(stJohns.starts.slice(1).map(iso)).toEqual(['2010-03-14T03:31:00.000Z', '2010-11-07T02:31:00.000Z']);
  });

  it('finds a daylight saving time that lasted one week (Boa Vista, October 2000)', () => {
    const steps = offsetSteps('America/Boa_Vista', at('2000-09-01T00:00:00Z'), at('2000-12-01T00:00:00Z'));
    expect(steps.starts.slice(1).map(iso)).toEqual(['2000-10-08T04:00:00.000Z', '2000-10-15T03:00:00.000Z']);
    expect(steps.offsets.map((o) => o / HOUR)).toEqual([-4, -3, -4]);
  });

  it('finds a skipped calendar day (Kiritimati, 1994-12-31) and a change in the last millisecond', () => {
    const kiritimati = offsetSteps('Pacific/Kiritimati', at('1994-12-01T00:00:00Z'), at('1995-01-01T00:00:00Z'));
    expect(kiritimati.starts.slice(1).map(iso)).toEqual(['1994-12-31T10:00:00.000Z']);
    expect(kiritimati.offsets.map((o) => o / HOUR)).toEqual([-10, 14]);
    const lastMs = offsetSteps('Europe/Berlin', at('2026-03-28T01:00:00Z'), at('2026-03-29T01:00:00.001Z'));
    expect(lastMs.starts.map(iso)).toEqual(['2026-03-28T01:00:00.000Z', '2026-03-29T01:00:00.000Z']);
  });

  it('leaves out a change at the end of the range, which is outside it', () => {
    const steps = offsetSteps('Europe/Berlin', at('2026-03-28T01:00:00Z'), at('2026-03-29T01:00:00Z'));
    expect(steps).toEqual({ starts: [at('2026-03-28T01:00:00Z')], offsets: [HOUR] });
  });

  it('has a single step in a zone without changes, and for a window of one millisecond', () => {
    expect(offsetSteps('Asia/Kolkata', at('2025-06-15T00:00:00Z'), at('2026-06-15T00:00:00Z'))).toEqual({
      starts: [at('2025-06-15T00:00:00Z')],
      offsets: [5.5 * HOUR],
    });
    expect(offsetSteps('Europe/Berlin', at('2026-03-29T01:00:00Z'), at('2026-03-29T01:00:00.001Z')).offsets).toEqual([2 * HOUR]);
  });

  it('agrees with the offset read every hour over a year, in zones with unusual rules', () => {
    // Catches any offset that sampling stepped over, as long as it lasted an hour.
    for (const tz of ['America/St_Johns', 'America/Santiago', 'Australia/Lord_Howe', 'Africa/Casablanca']) {
      const start = at('2010-06-01T00:00:00Z');
      const end = start + 366 * DAY;
      const { starts, offsets } = offsetSteps(tz, start, end);
      const wrong: string[] = [];
      let step = 0;
      for (let ms = start; ms < end; ms += HOUR) {
        while (step + 1 < starts.length && (starts[step + 1] as number) <= ms) step++;
        if (offsets[step] !== utcOffset(ms, tz)) wrong.push(`${tz} ${iso(ms)}`);
      }
      expect(wrong).toEqual([]);
    }
  });
});

describe('dayIndexer', () => {
  it('indexes the dates of an ordinary window, first and last millisecond included', () => {
    const w = calendarWindow(new Date('2026-06-15T12:00:00Z'), 7, 'Europe/Berlin');
    const dayOf = dayIndexer(w, 'Europe/Berlin');
    expect(dayOf(w.startInstant.getTime())).toBe(0);
    expect(dayOf(at('2026-06-09T21:59:59.999Z'))).toBe(0);
    expect(dayOf(at('2026-06-09T22:00:00Z'))).toBe(1);
    expect(dayOf(w.endInstant.getTime() - 1)).toBe(6);
  });

  it('gives -1, never an index past either end of the dates, to instants outside the window', () => {
    const w = calendarWindow(new Date('2026-06-15T12:00:00Z'), 7, 'Europe/Berlin');
    const dayOf = dayIndexer(w, 'Europe/Berlin');
    const start = w.startInstant.getTime();
    const end = w.endInstant.getTime();
    // One and two days before the first date; the day after the last, and the one after that.
    expect([start - 1, start - DAY - 1, end, end + DAY].map(dayOf)).toEqual([-1, -1, -1, -1]);
  });

  it('gives -1 to an instant of the window that shows the day before it (St Johns, 2010-11-07)', () => {
    // 00:00 NDT on 2010-11-07 (02:30Z) began the window; at 00:01 the clock went back to 23:01 on the 6th.
    const w = calendarWindow(new Date('2010-11-08T15:00:00Z'), 2, 'America/St_Johns');
    const dayOf = dayIndexer(w, 'America/St_Johns');
    expect(iso(w.startInstant.getTime())).toBe('2010-11-07T02:30:00.000Z');
    expect(dayOf(at('2010-11-07T02:30:59.999Z'))).toBe(0);
    expect(dayOf(at('2010-11-07T02:31:00Z'))).toBe(-1);
    expect(dayOf(at('2010-11-07T03:29:59.999Z'))).toBe(-1);
    expect(dayOf(at('2010-11-07T03:30:00Z'))).toBe(0);
    expect(dayOf(w.endInstant.getTime() - 1)).toBe(1);
  });

  // Windows around transitions that move, skip or repeat local midnight: every half hour, and every
  // minute within three hours of a change.
  it.each([
    ['America/St_Johns', '2010-11-10T12:00:00Z', 7, 'falls back at 00:01 into the previous day'],
    ['America/St_Johns', '2010-03-17T12:00:00Z', 7, 'springs forward at 00:01'],
    ['America/Goose_Bay', '2010-11-10T12:00:00Z', 7, 'falls back at 00:01 into the previous day'],
    ['America/Santiago', '2026-04-08T12:00:00Z', 7, 'falls back at midnight into the previous day'],
    ['America/Santiago', '2026-09-09T12:00:00Z', 7, 'skips midnight'],
    ['America/Havana', '2012-04-04T12:00:00Z', 7, 'skips midnight'],
    ['America/Havana', '2012-11-07T12:00:00Z', 7, 'repeats the first hour after midnight'],
    ['America/Sao_Paulo', '2018-02-21T12:00:00Z', 7, 'falls back at midnight into the previous day'],
    ['Asia/Beirut', '2026-10-27T12:00:00Z', 7, 'falls back at midnight into the previous day'],
    ['Asia/Beirut', '2026-03-31T12:00:00Z', 7, 'skips midnight'],
    ['Pacific/Kiritimati', '1995-01-03T12:00:00Z', 7, 'skips the whole of 1994-12-31'],
    ['Pacific/Apia', '2012-01-02T12:00:00Z', 7, 'skips the whole of 2011-12-30'],
    ['Australia/Lord_Howe', '2026-04-08T12:00:00Z', 7, 'falls back by 30 minutes'],
    ['Asia/Kathmandu', '1986-01-04T12:00:00Z', 7, 'moves from +5:30 to +5:45 at midnight'],
    ['America/Boa_Vista', '2000-10-20T12:00:00Z', 14, 'keeps summer time for one week'],
    ['Africa/Casablanca', '2026-03-25T12:00:00Z', 45, 'suspends summer time for Ramadan'],
  ])('%s at %s (%i days): a zone that %s', (tz, now, days) => {
    const w = calendarWindow(new Date(now), days, tz);
    expect(disagreements(w, tz, [...every(30 * MINUTE, w), ...aroundChanges(w, tz, MINUTE)])).toEqual([]);
  });

  it('gives no instant to a date the zone skipped', () => {
    const w = calendarWindow(new Date('1995-01-03T12:00:00Z'), 7, 'Pacific/Kiritimati');
    const dayOf = dayIndexer(w, 'Pacific/Kiritimati');
    const skipped = w.dates.indexOf('1994-12-31');
    expect(skipped).toBeGreaterThan(0);
    const used = new Set(Array.from(every(10 * MINUTE, w), dayOf));
    expect(used.has(skipped)).toBe(false);
    expect(used.has(skipped - 1) && used.has(skipped + 1)).toBe(true);
  });

  // Every zone over a year is a few seconds of CPU: the default 5 s timed out on a loaded 2-core machine and
  // under Stryker's instrumentation, a timing failure that says nothing about the code.
  it('agrees with Intl around every offset change in every zone over a year', { timeout: 60_000 }, () => {
    const wrong: string[] = [];
    for (const tz of Intl.supportedValuesOf('timeZone')) {
      const w = calendarWindow(new Date('2026-06-15T12:00:00Z'), 365, tz);
      wrong.push(...disagreements(w, tz, aroundChanges(w, tz)));
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with Intl at random instants near local midnights, in random zones and years', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -4 * HOUR, max: 4 * HOUR })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 8 }),
        (tz, nowMs, days, nearMidnight, anywhere) => {
          const w = calendarWindow(new Date(nowMs), days, tz);
          const start = w.startInstant.getTime();
          const span = w.endInstant.getTime() - start;
          const instants = [
            ...nearMidnight.map(([day, shift]) => startOfLocalDay(w.dates[day % days] as string, tz).getTime() + shift),
            ...anywhere.map((f) => start + Math.floor(f * span)),
            ...aroundChanges(w, tz),
          ];
          expect(disagreements(w, tz, instants)).toEqual([]);
        },
      ),
      { seed: 20_260_615, numRuns: 150 },
    );
  });
});
