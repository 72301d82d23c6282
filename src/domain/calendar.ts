/**
 * Calendar math in a user's IANA time zone with Intl only. Local dates are 'YYYY-MM-DD' strings:
 * they compare and sort correctly as strings and carry no accidental time or offset.
 */

import { BoundedMap } from './bounded-map.js';

// Zone names are case-insensitive, so spellings are looked up by their lower case: every case variant of
// a zone is one entry, and Intl, whose every DateTimeFormat costs native memory long after it is garbage
// (about 600 MB of RSS at a steady stream of them), is asked once per zone, not once per spelling. The
// limit is far above the ~600 zone names and aliases, so only junk names are ever evicted.
const CANONICAL = new BoundedMap<string, string | null>(2048);
// Keyed by canonical name only, so their number is bounded by the zones that exist (and the limit by itself).
const DATE_FORMATTERS = new BoundedMap<string, Intl.DateTimeFormat>(1024);
// What a zone name can be made of (IANA: letters, digits, '/', '_', '-', '+'); anything else is refused
// without asking Intl.
const ZONE_NAME = /^[A-Za-z0-9/_+-]{1,64}$/;
let supported: Map<string, string> | undefined;

/**
 * The canonical spelling of a time zone, or undefined when it is none. Zone names are case-insensitive
 * (`AmeRICa/argenTIna/comodrivadavia` is valid); storing and answering the spelling the client sent would
 * make each variant a new cache key and a new value. The canonical name is Intl's: the zone's IANA name,
 * or for an alias the name ICU files it under (Node 20: `US/Pacific` → `America/Los_Angeles`).
 */
export function canonicalTimeZone(tz: string): string | undefined {
  if (typeof tz !== 'string' || !ZONE_NAME.test(tz)) return undefined;
  const key = tz.toLowerCase();
  supported ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  const listed = supported.get(key);
  if (listed !== undefined) return listed;
  const known = CANONICAL.get(key);
  if (known !== undefined) return known ?? undefined;
  let canonical: string | null;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: key }).resolvedOptions().timeZone;
  } catch {
    canonical = null;
  }
  CANONICAL.set(key, canonical);
  return canonical ?? undefined;
}

/** How many zone spellings and formatters the caches hold (they are bounded; tests check it). */
export function calendarCacheSizes(): { spellings: number; formatters: number; limit: { spellings: number; formatters: number } } {
  return {
    spellings: CANONICAL.size,
    formatters: DATE_FORMATTERS.size,
    limit: { spellings: CANONICAL.limit, formatters: DATE_FORMATTERS.limit },
  };
}

// Formatter construction is the expensive part, and startOfLocalDay calls localDate ~100 times.
function dateFormatter(tz: string): Intl.DateTimeFormat {
  const zone = canonicalTimeZone(tz);
  if (zone === undefined) throw new RangeError(`Invalid time zone specified: ${tz}`);
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

export function calendarWindow(now: Date, days: number, tz: string): CalendarWindow {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
  const to = localDate(now, tz);
  const from = addDays(to, -(days - 1));
  // As addDays(from, i), without parsing `from` again for each of up to a year of dates.
  const first = parseDate(from);
  const dates = Array.from({ length: days }, (_, i) => formatUtcDate(utcMidnight(first.year, first.month, first.day + i)));
  return {
    dates,
    from,
    to,
    startInstant: startOfLocalDay(from, tz),
    endInstant: startOfLocalDay(addDays(to, 1), tz),
  };
}
