import { z } from 'zod';
import { canonicalTimeZone, isValidTimeZone } from '../domain/calendar.js';
import { timeZoneNames, TIME_ZONE_DATABASE_VERSION } from '../domain/time-zones.js';

/**
 * JSON Schemas stated by hand for zod schemas whose derived one would say something else (a query integer
 * is validated as a string of digits, but is an integer on the wire). src/contract/openapi.ts writes the
 * stated schema in place of the derived one; tests/contract/openapi-strictness.test.ts holds each against
 * the server.
 */
export const statedSchemas = z.registry<{ jsonSchema: () => Record<string, unknown> }>();
function stated<T extends z.ZodType>(schema: T, jsonSchema: Record<string, unknown> | (() => Record<string, unknown>)): T {
  statedSchemas.add(schema, { jsonSchema: typeof jsonSchema === 'function' ? jsonSchema : () => jsonSchema });
  return schema;
}

/**
 * Ids are checked for the 8-4-4-4-12 hex shape only: the well-known development user
 * 00000000-0000-0000-0000-000000000001 carries no RFC version bits, so z.uuid() would reject it.
 */
export const Uuid = z.guid({ message: 'must be a UUID' }).meta({ id: 'Uuid' });

/** Outgoing timestamps are always UTC with a Z. */
export const Timestamp = z.iso.datetime({ message: 'must be an ISO 8601 UTC timestamp' }).meta({ id: 'Timestamp' });

// Calendar dates that exist, as a regular expression, so the document's pattern is the server's rule itself:
// months of 31 and 30 days, February to the 28th, and the 29th in leap years of the proleptic Gregorian
// calendar (divisible by 4, not by 100 unless by 400). 2025-02-29 and 2026-04-31 do not match.
const DATE = [
  '(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))',
  '|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)',
].join('');
// Hours 00-23 (no 24:00), seconds optional, up to nine fraction digits; the offset optional (naive is UTC).
const TIME = '(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?';
const OFFSET = '(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])';
/** A timestamp that exists: date, `T`, time, an optional offset. */
export const TIMESTAMP_INPUT = new RegExp(`^${DATE}T${TIME}${OFFSET}?$`);
/** A date filter: a calendar date that exists, or such a timestamp. */
export const DATE_OR_TIMESTAMP_INPUT = new RegExp(`^${DATE}(?:T${TIME}${OFFSET}?)?$`);

/**
 * Incoming timestamps may be naive (Python's isoformat() as the original population script sent them);
 * those are read as UTC rather than rejected. A date that does not exist (2026-02-30, T24:00) is refused,
 * never moved to another day as Date parsing would.
 */
export const TimestampInput = z
  .string()
  .regex(TIMESTAMP_INPUT, { message: 'must be an ISO 8601 timestamp of a date and time that exist (no 2026-02-30, no 24:00)' })
  .meta({
    id: 'TimestampInput',
    description: 'YYYY-MM-DDTHH:MM[:SS[.fraction]] with an optional Z or ±HH:MM offset (none means UTC); the date must exist.',
  });

export function parseWireTimestamp(s: string): Date {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  return new Date(hasOffset ? s : `${s}Z`);
}

/** A date filter accepts a calendar date or a timestamp. */
export const DateOrTimestampInput = z
  .string()
  .regex(DATE_OR_TIMESTAMP_INPUT, { message: 'must be a date (YYYY-MM-DD) or ISO 8601 timestamp that exists (no 2026-02-30, no 24:00)' })
  .meta({
    id: 'DateOrTimestampInput',
    description: 'A calendar date YYYY-MM-DD (that whole UTC day) or a timestamp as TimestampInput; the date must exist.',
  });

/**
 * The zone rule as JSON Schema: the listed names as an enum, and the same names in any letter case as a
 * pattern (JSON Schema has no case-insensitive enum). Made when the document is, not at start: listing the
 * names asks Intl about each (0.3 s).
 */
function timeZoneJsonSchema(): Record<string, unknown> {
  const names = timeZoneNames();
  return {
    type: 'string',
    description: `A name of the IANA time zone database (release ${TIME_ZONE_DATABASE_VERSION}, zones and links) in any letter case; stored and answered as listed in the enum, so only the case changes.`,
    anyOf: [{ enum: names }, { pattern: `^${caseInsensitiveAlternation(names)}$` }],
  };
}

/** One regular expression matching exactly `names` in any letter case, as a trie (shared prefixes once). */
export function caseInsensitiveAlternation(names: readonly string[]): string {
  type Node = Map<string, Node>;
  const END = '';
  const root: Node = new Map();
  for (const name of names) {
    let node = root;
    for (const ch of name.toLowerCase()) node = node.get(ch) ?? node.set(ch, new Map()).get(ch)!;
    node.set(END, new Map());
  }
  // Zone names hold letters, digits and / _ - +; only + needs escaping (and \- is no valid escape under the u flag).
  const char = (ch: string) => (/[a-z]/.test(ch) ? `[${ch}${ch.toUpperCase()}]` : ch === '+' ? '\\+' : ch);
  const emit = (node: Node): string => {
    const ends = node.has(END);
    const branches = [...node.entries()].filter(([ch]) => ch !== END).map(([ch, next]) => char(ch) + emit(next));
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
    return ends ? (branches.length === 1 ? `(?:${body})?` : `${body}?`) : body;
  };
  return emit(root);
}

/** An IANA zone in any letter case, carried on in its canonical spelling (what is stored and answered). */
export const TimeZone = stated(
  z
    .string()
    .refine(isValidTimeZone, { message: 'must be an IANA time zone' })
    .transform((tz) => canonicalTimeZone(tz) as string)
    .meta({ id: 'TimeZone' }),
  timeZoneJsonSchema,
);

// JavaScript's \s (and String.prototype.trim's white space), spelled out so that every regex dialect
// reading the document (ECMA-262 in ajv, Python's re in Schemathesis) means the same characters.
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/**
 * At least `n` characters that are not white space, as a pattern (JSON Schema patterns are not anchored).
 * With the `u` flag, as JSON Schema reads patterns: an emoji is one character, not two UTF-16 units.
 */
export function nonBlankPattern(n: number): RegExp {
  // Anchored: unanchored, a long run of white space made it retry from every position (quadratic: a 50,000
  // space body kept the server busy for minutes). Anchored, each character has one way to match: linear.
  return new RegExp(n === 1 ? `[^${WHITE_SPACE}]` : `^(?:[${WHITE_SPACE}]*[^${WHITE_SPACE}]){${n}}`, 'u');
}

/** Characters as JSON Schema's minLength/maxLength count them (and Pydantic did): code points, not UTF-16 units. */
export const characters = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Text with limits in characters (code points). zod's .max() counts UTF-16 units, so 1,500 emoji would be
 * 3,000 for the server and 1,500 for the document: one rule, two answers. `nonBlank` asks for that many
 * characters that are not white space (a pattern the document states as is).
 */
export function text(limits: { max: number; min?: number; nonBlank?: number }) {
  const { max, min, nonBlank } = limits;
  let schema = z.string();
  if (min !== undefined) schema = schema.refine((s) => characters(s) >= min, { message: `must be at least ${min} characters` });
  if (nonBlank !== undefined) {
    const message = nonBlank === 1 ? 'must not be blank' : `must contain at least ${nonBlank} non-blank characters`;
    schema = schema.regex(nonBlankPattern(nonBlank), { message });
  }
  schema = schema.refine((s) => characters(s) <= max, { message: `must be at most ${max} characters` });
  return schema.meta({ maxLength: max, ...(min !== undefined ? { minLength: min } : {}) });
}

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

export const Metadata = z.record(z.string(), z.unknown()).meta({ id: 'Metadata' });
export const Tags = z
  .array(text({ min: 1, max: 50 }))
  .max(50)
  .meta({ id: 'Tags' });

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
