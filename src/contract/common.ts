import { z } from 'zod';
import { canonicalTimeZone, isValidTimeZone } from '../domain/calendar.js';

/**
 * Ids are checked for the 8-4-4-4-12 hex shape only: the well-known development user
 * 00000000-0000-0000-0000-000000000001 carries no RFC version bits, so z.uuid() would reject it.
 */
export const Uuid = z.guid({ message: 'must be a UUID' });

/** Outgoing timestamps are always UTC with a Z. */
export const Timestamp = z.iso.datetime({ message: 'must be an ISO 8601 UTC timestamp' });

const ISO_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?$/;
const DATE_INPUT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether year-month-day names a day of the proleptic Gregorian calendar (2025-02-29 does not). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * Whether every field of an ISO timestamp or date is in range. Date parsing would instead move
 * 2026-02-30 to March 2 and T24:00 to the next day: a value the client did not send, stored silently.
 */
function isRealInstant(s: string): boolean {
  const m = ISO_INPUT.exec(s) ?? DATE_INPUT.exec(s);
  if (!m) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, , offH = 0, offM = 0] = m
    .slice(1)
    .map((x) => (x === undefined || x.startsWith('.') ? undefined : Number(x)));
  return isCalendarDate(year!, month!, day!) && hour <= 23 && minute <= 59 && second <= 59 && offH <= 23 && offM <= 59;
}

/**
 * Incoming timestamps may be naive (Python's isoformat() as the original population script sent them);
 * those are read as UTC rather than rejected.
 */
export const TimestampInput = z
  .string()
  .regex(ISO_INPUT, { message: 'must be an ISO 8601 timestamp' })
  .refine(isRealInstant, { message: 'must be a real date and time (no 2026-02-30, no 24:00)' });

export function parseWireTimestamp(s: string): Date {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  return new Date(hasOffset ? s : `${s}Z`);
}

/** A date filter accepts a calendar date or a timestamp. */
export const DateOrTimestampInput = z
  .string()
  .refine((s) => DATE_INPUT.test(s) || ISO_INPUT.test(s), { message: 'must be a date (YYYY-MM-DD) or ISO 8601 timestamp' })
  .refine(isRealInstant, { message: 'must be a real date (no 2026-02-30, no 24:00)' });

/** An IANA zone in any letter case, carried on in its canonical spelling (what is stored and answered). */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, { message: 'must be an IANA time zone' })
  .transform((tz) => canonicalTimeZone(tz) as string);

/**
 * An optional field. CONTRACT: "A field marked optional may also be sent as null, which means absent":
 * clients written for the original (Pydantic `Optional[...] = None`) send exactly that. Every optional
 * request field is declared through this or `withDefault`, so null and absence cannot diverge.
 */
export function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v): z.output<T> | undefined => v ?? undefined);
}

/** An optional field with a default: absent and null both mean the default. */
export function withDefault<T extends z.ZodType>(schema: T, fallback: z.output<T>) {
  // The outer default answers absence and shows as a default to code that reads the schema (explicit
  // defaults for other targets); the inner one is what the OpenAPI document shows; null reaches the transform.
  return schema
    .nullish()
    .default(fallback as never)
    .transform((v): z.output<T> => v ?? fallback)
    .default(fallback as never);
}

/**
 * JSON Schemas stated by hand for zod schemas whose derived one would say something else (a query integer
 * is validated as a string of digits, but is an integer on the wire). src/contract/openapi.ts writes the
 * stated schema in place of the derived one; tests/contract/openapi-strictness.test.ts holds each against
 * the server.
 */
export const statedSchemas = z.registry<Record<string, unknown>>();
function stated<T extends z.ZodType>(schema: T, jsonSchema: Record<string, unknown>): T {
  statedSchemas.add(schema, jsonSchema);
  return schema;
}

export const UserIdQuery = z.object({ user_id: Uuid });
export const IdParams = z.object({ id: Uuid });

/**
 * A query integer: decimal digits, optionally after a minus sign (issue 16 row 5). Number() would read
 * `0x10` as 16 and `1e1`, `+10`, ` 10` and `10.0` as 10: values the client did not write. The document
 * says `type: integer` (a client serialises one as its decimal digits) and the description says the rest.
 */
export function intQuery(min: number, max: number, fallback: number) {
  // Coerced to a string only so typed callers may pass numbers; on the wire a query value is a string already.
  const schema = z.coerce
    .string<string | number>()
    .regex(DECIMAL_INTEGER, { message: 'must be an integer in decimal digits' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);
  return stated(schema, { type: 'integer', minimum: min, maximum: max, default: fallback, description: INTEGER_DESCRIPTION });
}
export const DECIMAL_INTEGER = /^-?[0-9]+$/;
const INTEGER_DESCRIPTION = 'Decimal digits, optionally after "-" (no "+", exponent, fraction, spaces or 0x/0b/0o prefix).';

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
