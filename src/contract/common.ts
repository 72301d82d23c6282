import { z } from 'zod';
import { isValidTimeZone } from '../domain/calendar.js';

/**
 * Ids are checked for the 8-4-4-4-12 hex shape only: the well-known development user
 * 00000000-0000-0000-0000-000000000001 carries no RFC version bits, so z.uuid() would reject it.
 */
export const Uuid = z.guid({ message: 'must be a UUID' });

/** Outgoing timestamps are always UTC with a Z. */
export const Timestamp = z.iso.datetime({ message: 'must be an ISO 8601 UTC timestamp' });

const ISO_INPUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Incoming timestamps may be naive (Python's isoformat() as the original population script sent them);
 * those are read as UTC rather than rejected.
 */
export const TimestampInput = z
  .string()
  .regex(ISO_INPUT, { message: 'must be an ISO 8601 timestamp' })
  .refine((s) => !Number.isNaN(parseWireTimestamp(s).getTime()), { message: 'must be a valid date and time' });

export function parseWireTimestamp(s: string): Date {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  return new Date(hasOffset ? s : `${s}Z`);
}

/** A date filter accepts a calendar date or a timestamp. */
export const DateOrTimestampInput = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, { message: 'must be a date (YYYY-MM-DD) or ISO 8601 timestamp' })
  .refine((s) => !Number.isNaN(parseWireTimestamp(s.length === 10 ? `${s}T00:00:00` : s).getTime()), {
    message: 'must be a valid date',
  });

export const TimeZone = z.string().min(1).max(64).refine(isValidTimeZone, { message: 'must be an IANA time zone' });

export const UserIdQuery = z.object({ user_id: Uuid });
export const IdParams = z.object({ id: Uuid });

export function intQuery(min: number, max: number, fallback: number) {
  return z.coerce.number({ message: 'must be an integer' }).int({ message: 'must be an integer' }).min(min).max(max).default(fallback);
}

export const Metadata = z.record(z.string(), z.unknown());
export const Tags = z.array(z.string().min(1).max(50)).max(50);

/**
 * The instant a date filter names: a bare date means a whole UTC day (`to` includes it), a timestamp
 * means itself.
 */
export function dateFilterBound(s: string | undefined, edge: 'from' | 'to'): Date | undefined {
  if (s === undefined) return undefined;
  if (s.length !== 10) return parseWireTimestamp(s);
  const day = new Date(`${s}T00:00:00Z`);
  return edge === 'to' ? new Date(day.getTime() + 86_400_000) : day;
}
