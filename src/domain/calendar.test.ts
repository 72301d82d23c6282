import { describe, it, expect } from 'vitest';
import { addDays, calendarWindow, epochDay, isValidTimeZone, localDate, startOfLocalDay } from './calendar.js';

const iso = (d: Date) => d.toISOString();

describe('isValidTimeZone', () => {
  it('accepts IANA zones and UTC', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Kolkata']) {
      expect(isValidTimeZone(tz), tz).toBe(true);
    }
  });

  it('rejects unknown and empty names', () => {
    for (const tz of ['', '  ', 'Mars/Olympus', 'Europe/Berlinn', 'GMT+25']) expect(isValidTimeZone(tz), tz).toBe(false);
  });

  it('answers false, without throwing, for what is not a string', () => {
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
    expect(isValidTimeZone(42 as unknown as string)).toBe(false);
  });
});

describe('localDate', () => {
  it('puts 23:30 and 00:30 local time on different dates in several zones', () => {
    const cases = [
      // [zone, 23:30 local on 2026-06-14 as UTC, 00:30 local on 2026-06-15 as UTC]
      ['UTC', '2026-06-14T23:30:00Z', '2026-06-15T00:30:00Z'],
      ['Europe/Berlin', '2026-06-14T21:30:00Z', '2026-06-14T22:30:00Z'],
      ['America/Los_Angeles', '2026-06-15T06:30:00Z', '2026-06-15T07:30:00Z'],
      ['Asia/Kolkata', '2026-06-14T18:00:00Z', '2026-06-14T19:00:00Z'],
      ['Pacific/Kiritimati', '2026-06-14T09:30:00Z', '2026-06-14T10:30:00Z'],
    ] as const;
    for (const [tz, lateEvening, justAfterMidnight] of cases) {
      expect(localDate(new Date(lateEvening), tz), tz).toBe('2026-06-14');
      expect(localDate(new Date(justAfterMidnight), tz), tz).toBe('2026-06-15');
    }
  });

  it('differs from the UTC date when the zone is far from UTC', () => {
    const instant = new Date('2026-01-01T11:00:00Z');
    expect(localDate(instant, 'Pacific/Kiritimati')).toBe('2026-01-02');
    expect(localDate(instant, 'Pacific/Pago_Pago')).toBe('2026-01-01');
    expect(localDate(new Date('2026-01-01T10:00:00Z'), 'Pacific/Pago_Pago')).toBe('2025-12-31');
  });

  it('throws for an unknown zone', () => {
    expect(() => localDate(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-03-29', 0)).toBe('2026-03-29');
    expect(addDays('2026-01-01', 365)).toBe('2027-01-01');
  });

  it('is unaffected by DST (pure calendar arithmetic)', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-10-26', -2)).toBe('2026-10-24');
  });

  it('rejects malformed or impossible dates, naming the bad argument', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2026-2-3', 1)).toThrow(RangeError);
    expect(() => addDays('2026-01-01', 0.5)).toThrow(RangeError);
    expect(() => addDays('2024-02-30', 1)).toThrow(/2024-02-30/);
    expect(() => addDays('2024-02-01', 1.5)).toThrow(/days.*1\.5/);
  });

  it('pads years below 1000 to four digits, both ways', () => {
    expect(localDate(new Date('0999-06-15T12:00:00Z'), 'UTC')).toBe('0999-06-15');
    expect(addDays('0999-12-31', 1)).toBe('1000-01-01');
    expect(addDays('1000-01-01', -1)).toBe('0999-12-31');
  });
});

describe('epochDay', () => {
  it('numbers dates from 1970-01-01, consecutively across month, year and century boundaries', () => {
    expect(epochDay('1970-01-01')).toBe(0);
    expect(epochDay('1969-12-31')).toBe(-1);
    expect(epochDay('2026-06-15')).toBe(20_619);
    for (const date of ['2028-02-28', '2026-12-31', '1999-12-31', '0099-12-31', '0050-02-28']) {
      expect(epochDay(addDays(date, 1)), date).toBe(epochDay(date) + 1);
    }
  });

  it('rejects what is not a calendar date', () => {
    expect(() => epochDay('2026-02-30')).toThrow(RangeError);
  });
});

describe('startOfLocalDay', () => {
  it.each([
    // Europe/Berlin: ordinary winter and summer days, and both change days (midnight is unaffected).
    ['2026-01-15', 'Europe/Berlin', '2026-01-14T23:00:00.000Z'],
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z'],
    ['2026-10-26', 'Europe/Berlin', '2026-10-25T23:00:00.000Z'],
    ['2026-03-08', 'America/Los_Angeles', '2026-03-08T08:00:00.000Z'],
    ['2026-03-09', 'America/Los_Angeles', '2026-03-09T07:00:00.000Z'],
    ['2026-11-01', 'America/Los_Angeles', '2026-11-01T07:00:00.000Z'],
    ['2026-11-02', 'America/Los_Angeles', '2026-11-02T08:00:00.000Z'],
    ['2026-06-15', 'Pacific/Kiritimati', '2026-06-14T10:00:00.000Z'],
    ['2026-06-15', 'UTC', '2026-06-15T00:00:00.000Z'],
    ['2026-06-15', 'Asia/Kolkata', '2026-06-14T18:30:00.000Z'],
  ])('%s in %s begins at %s', (date, tz, expected) => {
    expect(iso(startOfLocalDay(date, tz))).toBe(expected);
  });

  it('finds the first existing instant when the zone skips local midnight', () => {
    // America/Santiago jumps from 23:59:59 (-04) on 2026-09-05 straight to 01:00 (-03) on 2026-09-06.
    const start = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(iso(start)).toBe('2026-09-06T04:00:00.000Z');
    expect(localDate(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
  });

  it('finds local midnight to the millisecond in an offset that is not a whole quarter hour', () => {
    // Asia/Kolkata kept Madras time, UTC+5:21:10, until 1906: a 15-minute scan alone would miss midnight.
    const start = startOfLocalDay('1900-06-01', 'Asia/Kolkata');
    expect(iso(start)).toBe('1900-05-31T18:38:50.000Z');
    expect(localDate(new Date(start.getTime() - 1), 'Asia/Kolkata')).toBe('1900-05-31');
  });

  it('handles a zone that falls back at local midnight into the previous day', () => {
    // America/Sao_Paulo ended DST on 2018-02-18 at 00:00 (-02), back to 23:00 (-03) on 2018-02-17.
    expect(iso(startOfLocalDay('2018-02-18', 'America/Sao_Paulo'))).toBe('2018-02-18T03:00:00.000Z');
    expect(iso(startOfLocalDay('2018-02-17', 'America/Sao_Paulo'))).toBe('2018-02-17T02:00:00.000Z');
  });

  it('returns an instant that is on the date while the millisecond before is not', () => {
    for (const tz of ['Europe/Berlin', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Australia/Lord_Howe']) {
      for (const date of ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01']) {
        const start = startOfLocalDay(date, tz);
        expect(localDate(start, tz), `${date} ${tz}`).toBe(date);
        expect(localDate(new Date(start.getTime() - 1), tz), `${date} ${tz}`).toBe(addDays(date, -1));
      }
    }
  });

  it('makes DST change days 23 and 25 hours long', () => {
    const hours = (date: string, tz: string) =>
      (startOfLocalDay(addDays(date, 1), tz).getTime() - startOfLocalDay(date, tz).getTime()) / 3_600_000;
    expect(hours('2026-03-29', 'Europe/Berlin')).toBe(23);
    expect(hours('2026-10-25', 'Europe/Berlin')).toBe(25);
    expect(hours('2026-03-08', 'America/Los_Angeles')).toBe(23);
    expect(hours('2026-11-01', 'America/Los_Angeles')).toBe(25);
    expect(hours('2026-06-15', 'Pacific/Kiritimati')).toBe(24);
  });
});

describe('calendarWindow', () => {
  it('covers today and the days-1 dates before it, as a half-open instant range', () => {
    const w = calendarWindow(new Date('2026-06-15T12:00:00Z'), 7, 'UTC');
    expect(w.from).toBe('2026-06-09');
    expect(w.to).toBe('2026-06-15');
    expect(w.dates).toEqual(['2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12', '2026-06-13', '2026-06-14', '2026-06-15']);
    expect(iso(w.startInstant)).toBe('2026-06-09T00:00:00.000Z');
    expect(iso(w.endInstant)).toBe('2026-06-16T00:00:00.000Z');
  });

  it('takes "today" from the zone, not from UTC', () => {
    const now = new Date('2026-06-15T22:30:00Z');
    expect(calendarWindow(now, 7, 'Europe/Berlin').to).toBe('2026-06-16');
    expect(calendarWindow(now, 7, 'America/Los_Angeles').to).toBe('2026-06-15');
    expect(calendarWindow(new Date('2026-06-15T10:30:00Z'), 7, 'Pacific/Kiritimati').to).toBe('2026-06-16');
  });

  it('spans exactly `days` dates across the Berlin spring-forward day', () => {
    const w = calendarWindow(new Date('2026-04-02T10:00:00Z'), 7, 'Europe/Berlin');
    expect(w.dates).toHaveLength(7);
    expect(w.dates).toContain('2026-03-29');
    expect(w.from).toBe('2026-03-27');
    expect(iso(w.startInstant)).toBe('2026-03-26T23:00:00.000Z');
    expect(iso(w.endInstant)).toBe('2026-04-02T22:00:00.000Z');
    expect((w.endInstant.getTime() - w.startInstant.getTime()) / 3_600_000).toBe(7 * 24 - 1);
  });

  it('spans exactly `days` dates, one hour longer, across the Los Angeles fall-back day', () => {
    const w = calendarWindow(new Date('2026-11-03T20:00:00Z'), 7, 'America/Los_Angeles');
    expect(w.dates).toHaveLength(7);
    expect(w.dates).toContain('2026-11-01');
    expect((w.endInstant.getTime() - w.startInstant.getTime()) / 3_600_000).toBe(7 * 24 + 1);
  });

  it('handles a one-day and a year-long window', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(calendarWindow(now, 1, 'UTC').dates).toEqual(['2026-03-01']);
    const year = calendarWindow(now, 365, 'UTC');
    expect(year.dates).toHaveLength(365);
    expect(new Set(year.dates).size).toBe(365);
    expect(year.from).toBe('2025-03-02');
  });

  it('lists the same dates as stepping addDays from the first, across leap days and early years', () => {
    for (const [now, days] of [
      ['2029-03-01T12:00:00Z', 400],
      ['0100-01-10T12:00:00Z', 30],
    ] as const) {
      const w = calendarWindow(new Date(now), days, 'UTC');
      expect(w.dates).toEqual(Array.from({ length: days }, (_, i) => addDays(w.from, i)));
    }
  });

  it('rejects a non-positive or fractional day count, naming it', () => {
    expect(() => calendarWindow(new Date(), 0, 'UTC')).toThrow(RangeError);
    expect(() => calendarWindow(new Date(), 1.5, 'UTC')).toThrow(RangeError);
    expect(() => calendarWindow(new Date(), 0, 'UTC')).toThrow(/days.*got 0/);
  });
});
