import { z } from 'zod';
import type { RouteSpec } from '../../src/contract/routes.js';

/**
 * The hostile-input corpus (issue 11): what an attacker sends to every text field, key and query of every
 * route. Each case says what it is, how it travels (a JSON value, raw JSON text for what JSON.stringify
 * cannot write, or a query/path string) and what the answer must be: `refuse` (a 4xx naming the field) or
 * `either` (accepted unchanged, or a 4xx naming the field).
 */
export interface HostileCase {
  kind: string;
  /** The value in the body, or raw JSON text when `raw` (prototype keys, 1e400). */
  value: unknown;
  raw?: boolean;
  expect: 'refuse' | 'either' | 'accept';
}

/** A field of a route as the walk sees it: where it travels and what its schema is. */
export interface FieldSlot {
  where: 'params' | 'query' | 'body';
  field: string;
  kind: 'text' | 'uuid' | 'enum' | 'date' | 'zone' | 'tags' | 'object' | 'integer' | 'boolean';
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Not text at all: refused in every text field, body or query. */
export const NOT_TEXT: readonly HostileCase[] = [
  { kind: 'NUL inside', value: 'a\u0000b', expect: 'refuse' },
  { kind: 'NUL only', value: '\u0000', expect: 'refuse' },
  { kind: 'NUL at the end', value: 'hello\u0000', expect: 'refuse' },
];
/** Lone surrogates: JSON can carry them (\ud800), a URL cannot, so these are for bodies. */
export const LONE_SURROGATES: readonly HostileCase[] = [
  { kind: 'lone high surrogate', value: 'x\uD800', expect: 'refuse' },
  { kind: 'lone low surrogate', value: '\uDC00x', expect: 'refuse' },
  { kind: 'reversed pair', value: '\uDC00\uD800', expect: 'refuse' },
];
/** Text that looks hostile but is text: stored exactly as sent, or refused by the field's own rules. */
export const ODD_TEXT: readonly HostileCase[] = [
  { kind: 'astral pair', value: 'plans \uD83D\uDE00', expect: 'either' },
  { kind: 'RTL override', value: 'abc\u202Edef', expect: 'either' },
  { kind: 'zero-width space', value: 'zero\u200Bwidth', expect: 'either' },
  { kind: 'SQL', value: "x'); DROP TABLE entries; --", expect: 'either' },
  { kind: 'percent-encoded NUL as text', value: '%00', expect: 'either' },
  { kind: 'escaped NUL as text', value: '\\u0000', expect: 'either' },
  { kind: 'control characters', value: 'a\u0001\u001Fb', expect: 'either' },
];
/** Dates the calendar does not have; parsers move them to another day. */
export const IMPOSSIBLE_DATES: readonly HostileCase[] = [
  '2026-02-30T10:00:00Z',
  '2025-02-29T10:00:00Z',
  '2026-04-31T10:00:00',
  '2026-01-10T24:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-01-10T23:60:00Z',
  '2026-01-10T23:59:60Z',
  '2026-01-10T10:00:00+01:75',
].map((value) => ({ kind: `impossible date ${value}`, value, expect: 'refuse' as const }));
/** Keys and shapes that free-form JSON objects (metadata, context_metadata, initial_context) must refuse. */
export const HOSTILE_OBJECTS: readonly HostileCase[] = [
  { kind: '__proto__ key', value: '{"__proto__":{"admin":true}}', raw: true, expect: 'refuse' },
  { kind: 'nested __proto__ key', value: '{"x":[{"__proto__":null}]}', raw: true, expect: 'refuse' },
  { kind: 'constructor.prototype key', value: '{"constructor":{"prototype":{"a":1}}}', raw: true, expect: 'refuse' },
  { kind: 'NUL in a key', value: { 'k\u0000': 1 }, expect: 'refuse' },
  { kind: 'lone surrogate in a key', value: { 'k\uD800': 1 }, expect: 'refuse' },
  { kind: 'NUL in a nested value', value: { a: { b: ['x\u0000'] } }, expect: 'refuse' },
  { kind: '4,200 levels of nesting', value: nested(4200), raw: true, expect: 'refuse' },
  { kind: '40 levels of nesting', value: nested(40), raw: true, expect: 'refuse' },
  { kind: 'a number beyond double', value: '{"n":1e400}', raw: true, expect: 'refuse' },
  { kind: '8 levels of nesting', value: JSON.parse(nested(8)), expect: 'accept' },
  { kind: 'huge and tiny doubles', value: { big: 1e308, small: -1e308, exact: 2 ** 53 - 1 }, expect: 'accept' },
  { kind: 'astral and odd keys', value: { '\uD83D\uDE00': 'ok', 'a.b': 1, '': 2 }, expect: 'accept' },
];
/** Integers as a query carries them: never a 5xx, and a 4xx names the field. */
export const HUGE_NUMBERS: readonly HostileCase[] = [
  '1e400',
  '9'.repeat(40),
  'Infinity',
  'NaN',
  '-0',
  '0x10',
  '1e3',
  ' 7',
  '-9007199254740993',
].map((value) => ({ kind: `number ${value}`, value, expect: 'either' as const }));

/** Case variants of a zone: accepted, answered in one canonical spelling. */
export function zoneVariants(zone: string): HostileCase[] {
  const flip = (s: string, every: number) => [...s].map((c, i) => (i % every === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
  return [zone.toLowerCase(), zone.toUpperCase(), flip(zone, 2), flip(zone, 3)].map((value) => ({
    kind: `zone spelled ${value}`,
    value,
    expect: 'accept' as const,
  }));
}

type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  $ref?: string;
};
const DATE_FIELDS = new Set(['created_at', 'date_from', 'date_to']);
const ZONE_FIELDS = new Set(['tz', 'timezone']);

function slotKind(field: string, raw: JsonSchema, defs: Record<string, JsonSchema>): FieldSlot['kind'] {
  // Shared schemas (Uuid, the enums, Tags) are references to their entry in $defs.
  const deref = (x: JsonSchema): JsonSchema => (x.$ref ? deref(defs[x.$ref.replace('#/$defs/', '')] ?? {}) : x);
  const s = deref(
    deref(raw)
      .anyOf?.map(deref)
      .find((x) => x.type !== 'null') ?? deref(raw),
  );
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (DATE_FIELDS.has(field)) return 'date';
  if (ZONE_FIELDS.has(field)) return 'zone';
  if (s.enum) return 'enum';
  if (type === 'object' || (type === undefined && !s.enum)) return 'object';
  if (type === 'array') return 'tags';
  if (type === 'integer' || type === 'number') return 'integer';
  if (type === 'boolean') return 'boolean';
  if (s.format === 'uuid' || s.pattern?.includes('[0-9a-fA-F]{8}')) return 'uuid';
  return 'text';
}

/** Every field of a route's path, query and body, classified for the corpus. */
export function slotsOf(spec: RouteSpec): FieldSlot[] {
  const out: FieldSlot[] = [];
  for (const [where, schema] of [
    ['params', spec.params],
    ['query', spec.querystring],
    ['body', spec.body],
  ] as const) {
    if (!schema) continue;
    const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, JsonSchema>;
      $defs?: Record<string, JsonSchema>;
    };
    for (const [field, fs] of Object.entries(js.properties ?? {})) out.push({ where, field, kind: slotKind(field, fs, js.$defs ?? {}) });
  }
  return out;
}

/** The cases that apply to a slot. Lone surrogates cannot be written in a URL, so only bodies get them. */
export function casesFor(slot: FieldSlot, zone: string): HostileCase[] {
  const text = slot.where === 'body' ? [...NOT_TEXT, ...LONE_SURROGATES] : [...NOT_TEXT];
  const refuseAll = (cases: readonly HostileCase[]) => cases.map((c) => ({ ...c, expect: 'refuse' as const }));
  switch (slot.kind) {
    case 'text':
      return [...text, ...(slot.where === 'body' ? ODD_TEXT : [])];
    case 'uuid':
    case 'enum':
      return refuseAll([...text, ...ODD_TEXT]);
    case 'date':
      return [...text, ...IMPOSSIBLE_DATES];
    case 'zone':
      return [...text, ...zoneVariants(zone)];
    case 'tags':
      return [...text, ...ODD_TEXT].map((c) => ({ ...c, kind: `tag: ${c.kind}`, value: ['ok', c.value] }));
    case 'object':
      return slot.where === 'body' ? [...HOSTILE_OBJECTS] : [];
    case 'integer':
      return slot.where === 'body' ? [] : [...NOT_TEXT, ...HUGE_NUMBERS];
    case 'boolean':
      return refuseAll(text);
  }
}

/** A seeded pick of `n` items (mulberry32), so a run's seed replays the same sample. */
export function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}
