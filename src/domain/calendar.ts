/**
 * Calendar math in a user's IANA time zone with Intl only. Local dates are 'YYYY-MM-DD' strings:
 * they compare and sort correctly as strings and carry no accidental time or offset.
 */

import { BoundedMap } from './bounded-map.js';
import { listedTimeZone } from './time-zones.js';

// Keyed by zone name as listed (case variants share one), so their number is bounded by the zones that
// exist (and the limit by itself).
const DATE_FORMATTERS = new BoundedMap<string, Intl.DateTimeFormat>(1024);

/**
 * The canonical spelling of a time zone, or undefined when it is none. Zone names are case-insensitive
 * (`AmeRICa/argenTIna/comodrivadavia` is valid); storing and answering the spelling the client sent would
 * make each variant a new cache key and a new value. The canonical spelling is the zone database's, of the
 * name the client gave: `europe/kyiv` is `Europe/Kyiv`, never ICU's old id `Europe/Kiev`, and a link such as
 * `US/Pacific` stays itself (src/domain/time-zones.ts).
 */
export function canonicalTimeZone(tz: string): string | undefined {
  return listedTimeZone(tz);
}

/**
 * The zone name to compute with: its listed spelling, else the name itself when it was stored before the
 * list was the rule (ICU ids such as `SystemV/AST4` passed the older check; Intl still computes with them,
 * and an unknown name throws its RangeError when the formatter is made).
 */
export function zoneToCompute(tz: string): string {
  return listedTimeZone(tz) ?? tz;
}

/** How many zone formatters are cached (bounded; tests check it). */
export function calendarCacheSizes(): { formatters: number; limit: { formatters: number } } {
  return { formatters: DATE_FORMATTERS.size, limit: { formatters: DATE_FORMATTERS.limit } };
}

// Formatter construction is the expensive part, and startOfLocalDay calls localDate ~100 times.
function dateFormatter(tz: string): Intl.DateTimeFormat {
  const zone = zoneToCompute(tz);
  let formatter = DATE_FORMATTERS.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    DATE_FORMATTERS.set(zone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(tz: string): boolean {
  return canonicalTimeZone(tz) !== undefined;
}

/** The calendar date that a wall clock in `tz` shows at `instant`. */
export function localDate(instant: Date, tz: string): string {
  let year = '';
  let month = '';
  let day = '';
  for (const part of dateFormatter(tz).formatToParts(instant)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string): { year: number; month: number; day: number } {
  const match = DATE_SHAPE.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (formatUtcDate(utcMidnight(year, month, day)) === date) return { year, month, day };
  }
  throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
}

// setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function formatUtcDate(ms: number): string {
  const d = new Date(ms);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`days must be an integer, got ${n}`);
  const { year, month, day } = parseDate(date);
  return formatUtcDate(utcMidnight(year, month, day + n));
}

const DAY = 86_400_000;

/** The date `n` days after 1970-01-01 (the inverse of epochDay). */
export function dateOfEpochDay(n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`days must be an integer, got ${n}`);
  return formatUtcDate(n * DAY);
}

/** Days from 1970-01-01 to `date`: consecutive dates have consecutive numbers. */
export function epochDay(date: string): number {
  const { year, month, day } = parseDate(date);
  return utcMidnight(year, month, day) / DAY;
}

const HOUR = 3_600_000;
// Every offset that has ever existed lies within ±16h (historical LMT included), so local midnight
// of `date` falls inside this span around UTC midnight of the same date.
const SEARCH_BEFORE = 16 * HOUR;
const SEARCH_AFTER = 16 * HOUR;
// Shorter than any DST shift (the smallest in use is 30 min), so the scan cannot step over a day
// that begins, is interrupted by a backward jump, and begins again.
const SCAN_STEP = 15 * 60_000;

/**
 * The first instant at which the wall clock in `tz` shows `date`. Found by search instead of by
 * subtracting an offset, because on a DST day the offset at local midnight differs from the offset
 * at UTC midnight, and in zones that shift at midnight the local time 00:00 does not exist at all.
 */
export function startOfLocalDay(date: string, tz: string): Date {
  const { year, month, day } = parseDate(date);
  const anchor = utcMidnight(year, month, day);
  const reached = (ms: number) => localDate(new Date(ms), tz) >= date;

  let before = anchor - SEARCH_BEFORE;
  if (reached(before)) throw new RangeError(`cannot locate ${date} in ${tz}`);
  let after = before;
  while (!reached(after)) {
    before = after;
    after += SCAN_STEP;
    if (after > anchor + SEARCH_AFTER) throw new RangeError(`cannot locate ${date} in ${tz}`);
  }
  // Invariant: `before` is not yet on `date`, `after` is; narrow to the millisecond.
  while (after - before > 1) {
    const mid = before + Math.floor((after - before) / 2);
    if (reached(mid)) after = mid;
    else before = mid;
  }
  return new Date(after);
}

/** A run of `days` whole local calendar days ending today, with its half-open instant range. */
export interface CalendarWindow {
  dates: string[];
  from: string;
  to: string;
  startInstant: Date;
  endInstant: Date;
}

/** The `days` local dates ending today in `tz`, without the instants (no search for local midnights). */
export function calendarDates(now: Date, days: number, tz: string): Pick<CalendarWindow, 'dates' | 'from' | 'to'> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
  const to = localDate(now, tz);
  const from = addDays(to, -(days - 1));
  // As addDays(from, i), without parsing `from` again for each of up to a year of dates.
  const first = parseDate(from);
  const dates = Array.from({ length: days }, (_, i) => formatUtcDate(utcMidnight(first.year, first.month, first.day + i)));
  return { dates, from, to };
}

export function calendarWindow(now: Date, days: number, tz: string): CalendarWindow {
  const { dates, from, to } = calendarDates(now, days, tz);
  return {
    dates,
    from,
    to,
    startInstant: startOfLocalDay(from, tz),
    endInstant: startOfLocalDay(addDays(to, 1), tz),
  };
}
