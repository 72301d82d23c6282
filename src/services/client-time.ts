import { parseWireTimestamp } from '../contract/common.js';
import { invalidField } from './errors.js';

/** A client clock a little ahead of ours is not "the future". */
export const CLOCK_SKEW_MS = 60_000;
/**
 * The earliest time a client may give to historical data. Diaries and chats older than 1900 are not what
 * this service keeps, and a bound keeps every stored instant a four-digit year on the wire (year 0000 with
 * an offset would otherwise serialise as "-000001-12-31T...", which no client parses as ISO 8601).
 */
export const EARLIEST = new Date('1900-01-01T00:00:00Z');

/**
 * The instant a client set on historical data (`created_at`, `context_metadata.timestamp`), or now when it
 * set none. Outside [EARLIEST, now + skew] it is a 422 naming the field, never a silent clamp.
 */
export function clientInstant(path: string, wire: string | undefined, now: Date): Date {
  if (wire === undefined) return now;
  const at = parseWireTimestamp(wire);
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalidField(path, 'must not lie in the future');
  if (at.getTime() < EARLIEST.getTime()) throw invalidField(path, `must not lie before ${EARLIEST.toISOString().replace('.000', '')}`);
  return at;
}
