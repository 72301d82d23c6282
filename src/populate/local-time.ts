import { addDays, localDate, startOfLocalDay } from '../domain/calendar.js';

const CLOCKS = new Map<string, Intl.DateTimeFormat>();

function clock(tz: string): Intl.DateTimeFormat {
  let f = CLOCKS.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US-u-nu-latn', {
      timeZone: tz,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    CLOCKS.set(tz, f);
  }
  return f;
}

/** Seconds since local midnight that a wall clock in `tz` shows at `instant`. */
export function wallSeconds(instant: Date, tz: string): number {
  let h = 0;
  let m = 0;
  let s = 0;
  for (const part of clock(tz).formatToParts(instant)) {
    if (part.type === 'hour') h = Number(part.value);
    else if (part.type === 'minute') m = Number(part.value);
    else if (part.type === 'second') s = Number(part.value);
  }
  return h * 3600 + m * 60 + s;
}

const DAY_STARTS = new Map<string, number>();

// startOfLocalDay searches, and a year plan asks for every day several times.
function dayStart(date: string, tz: string): number {
  const key = `${tz}|${date}`;
  let ms = DAY_STARTS.get(key);
  if (ms === undefined) {
    ms = startOfLocalDay(date, tz).getTime();
    DAY_STARTS.set(key, ms);
  }
  return ms;
}

/**
 * The instant at which the wall clock in `tz` shows `seconds` past midnight on `date`. Adding the
 * seconds to the start of the day is off by the DST shift on the days that have one, so the guess is
 * corrected once by what the clock actually shows.
 */
export function atLocalTime(date: string, seconds: number, tz: string): Date {
  const start = dayStart(date, tz);
  const guess = start + seconds * 1000;
  // On a day shorter than 24 h the guess can land on the next date; its clock reading counts from `date`'s
  // midnight all the same, or late-evening times would be corrected by a whole day and clamped.
  const g = new Date(guess);
  const shown = wallSeconds(g, tz) + (epochDay(localDate(g, tz)) - epochDay(date)) * 86_400;
  const corrected = guess + (seconds - shown) * 1000;
  const end = dayStart(addDays(date, 1), tz);
  // A wall time skipped by a forward shift has no instant; the one a shift earlier, on the same date, stands in.
  return new Date(Math.min(Math.max(corrected, start), end - 1000));
}

/** The local date `months` calendar months before `date`, clamped to the shorter month's last day. */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday for a 'YYYY-MM-DD' calendar date, independent of any time zone. */
export function weekday(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const d = weekday(date);
  return d === 0 || d === 6;
}

/** Days since 1970-01-01 of a calendar date, a stable per-date counter. */
export function epochDay(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}
