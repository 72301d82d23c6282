/**
 * Which local date of a calendar window an instant falls on, without an Intl call per instant.
 *
 * A zone's UTC offset is a step function of time, and between two steps the local date is plain
 * arithmetic: floor((instant + offset) / day). So the steps inside the window are located once, with a
 * few hundred Intl calls, and every instant is then placed by a binary search over them. This stays
 * exact where calendar days are irregular (DST changes at midnight, backward jumps that show a date
 * twice, skipped days), because it never assumes where a day begins: it only reads the offset.
 */
import { BoundedMap } from './bounded-map.js';
import { epochDay, zoneToCompute, type CalendarWindow } from './calendar.js';

const DAY = 86_400_000;

/** Index into `window.dates` of the local date at an instant of the window, or -1 if that date is outside it. */
export type DayIndexer = (ms: number) => number;

// The offset is sampled once per SAMPLE_STEP, and a change between two samples that differ is then
// bisected to the millisecond. Sampling alone cannot see an offset that changes and changes back
// between two samples. In the full tzdata, all zones from 1900 to 2040, no offset lasted less than
// four days (the shortest: Africa/Freetown in 1939, 95 h 40 min; next, a week in Brazil in 2000), so
// sampling every day leaves a margin of four.
const SAMPLE_STEP = DAY;

// Keyed by canonical zone name, so case variants of one zone share a formatter (see zoneToCompute).
const WALL_FORMATTERS = new BoundedMap<string, Intl.DateTimeFormat>(1024);

/** How many wall-clock formatters are cached (bounded; tests check it). */
export const wallFormatterCount = (): number => WALL_FORMATTERS.size;

function wallFormatter(tz: string): Intl.DateTimeFormat {
  const zone = zoneToCompute(tz);
  let formatter = WALL_FORMATTERS.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    WALL_FORMATTERS.set(zone, formatter);
  }
  return formatter;
}

// format() is several times faster than formatToParts() (no part objects), and with the locale and
// options pinned above its shape is fixed: "6/15/2026, 14:05:09". Anything else fails loudly.
const WALL_SHAPE = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/**
 * How far the wall clock in `tz` is ahead of UTC at `ms`, in milliseconds (a whole number of seconds).
 * For instants from year 1 on: Intl writes earlier years without an era (1 BC as "1"), which is also
 * why calendarWindow cannot place a window there.
 */
export function utcOffset(ms: number, tz: string): number {
  const shown = wallFormatter(tz).format(ms);
  const match = WALL_SHAPE.exec(shown);
  if (!match) throw new Error(`unexpected wall clock format for ${tz}: ${shown}`);
  const [month, day, year, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(year, month - 1, day);
  asUtc.setUTCHours(hour, minute, second);
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return asUtc.getTime() - wholeSecond;
}

/** The offset steps of `tz` that cover [start, end): step i begins at `starts[i]` and has `offsets[i]`. */
export interface OffsetSteps {
  starts: number[];
  offsets: number[];
}

export function offsetSteps(tz: string, start: number, end: number): OffsetSteps {
  const offsetAt = (ms: number) => utcOffset(ms, tz);
  const starts = [start];
  const offsets = [offsetAt(start)];
  let from = start;
  while (from < end - 1) {
    const to = Math.min(from + SAMPLE_STEP, end - 1);
    const toOffset = offsetAt(to);
    // More than one change between two samples cannot happen in tzdata (see SAMPLE_STEP), but costs
    // nothing to handle: keep bisecting until the last step found has the offset of `to`.
    while (offsets.at(-1) !== toOffset) {
      let before = starts.at(-1) as number;
      const beforeOffset = offsets.at(-1) as number;
      let after = to;
      // Invariant: `before` still has beforeOffset, `after` no longer has it.
      while (after - before > 1) {
        const mid = before + Math.floor((after - before) / 2);
        if (offsetAt(mid) === beforeOffset) before = mid;
        else after = mid;
      }
      starts.push(after);
      offsets.push(offsetAt(after));
    }
    from = to;
  }
  return { starts, offsets };
}

/** Index of the last element of the ascending `xs` that is <= x (0 when none is). */
function lastAtOrBefore(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((xs[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The day indexer of `window` in `tz`, for instants in [window.startInstant, window.endInstant): the
 * index in window.dates of localDate(instant, tz), or -1 when that date is not in the window. An instant
 * outside that range gets -1 or an index of window.dates too, never one past either end (its date read
 * with the offset at the nearer end of the range).
 */
export function dayIndexer(window: CalendarWindow, tz: string): DayIndexer {
  const { starts, offsets } = offsetSteps(tz, window.startInstant.getTime(), window.endInstant.getTime());
  const firstDay = epochDay(window.from);
  const days = window.dates.length;
  return (ms) => {
    const offset = offsets[lastAtOrBefore(starts, ms)] as number;
    const index = Math.floor((ms + offset) / DAY) - firstDay;
    return index >= 0 && index < days ? index : -1;
  };
}
