import { generateSync } from 'json-schema-faker';
import { jsonMedia, type Operation, type Parameter } from './document.js';
import { type SchemaValidator, toJsonSchema } from './validator.js';

type Json = Record<string, unknown>;

/** One request to send: path, query and header values as they travel (text), and the JSON body if any. */
export interface RequestCase {
  op: Operation;
  kind: 'positive' | 'negative';
  /** How the case was made: a boundary case, a random one, or (negative) what is wrong in it. */
  note: string;
  path: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** undefined: no body at all. */
  body?: unknown;
  mediaType?: string;
}

/** Values to put in instead of generated ones, by field name (path, query, header or top-level body field). */
export type Overrides = Readonly<Record<string, string>>;

/** Why no case could be made (a schema the generator or the validator cannot read). */
export interface NoCase {
  unchecked: string;
}

/** FNV-1a: a stable number per (seed, operation, case, field), so a fixed seed gives the same data. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Mulberry32, for the generator's own choices (which optional parameter, which mutation). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mode = 'minimal' | 'blank' | 'random';

/**
 * Random free text stops at this length (or the schema's minimum): a 50,000-character body costs the
 * server seconds of analysis on a loaded machine and finds nothing a 200-character one does not.
 */
const RANDOM_TEXT = 200;

/**
 * Boundary cases before random ones, as a property-based generator shrinks towards them: 'minimal' keeps
 * only what is required with the shortest strings, the fewest items and the lowest numbers the schema
 * allows; 'blank' fills free text with spaces and numbers with their maximum; 'random' only bounds free
 * text (RANDOM_TEXT). Strings with a pattern,
 * format or enum keep them (the generator honours those itself).
 */
function narrow(schema: unknown, mode: Mode): unknown {
  if (Array.isArray(schema)) return schema.map((s) => narrow(s, mode));
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' && v && typeof v === 'object')
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([name, sub]) => [name, narrow(sub, mode)]));
    else if (['items', 'anyOf', 'oneOf', 'allOf'].includes(k)) out[k] = narrow(v, mode);
    else out[k] = v;
  }
  const free = !('pattern' in s) && !('format' in s) && !('enum' in s) && !('const' in s);
  if (s.type === 'string' && free) {
    const min = typeof s.minLength === 'number' ? s.minLength : 0;
    const max = typeof s.maxLength === 'number' ? s.maxLength : Number.POSITIVE_INFINITY;
    if (mode === 'minimal') out.maxLength = min;
    else if (mode === 'random') out.maxLength = Math.min(max, Math.max(min, RANDOM_TEXT));
    else if (Math.max(min, 1) <= max) out.const = ' '.repeat(Math.max(min, 1));
  }
  if (mode === 'random') return out;
  if ((s.type === 'integer' || s.type === 'number') && !('enum' in s) && !('const' in s)) {
    const bound = mode === 'minimal' ? s.minimum : s.maximum;
    if (typeof bound === 'number') out.const = bound;
  }
  if (s.type === 'array' && mode === 'minimal') out.maxItems = typeof s.minItems === 'number' ? s.minItems : 0;
  return out;
}

/** How a value travels in a path, query or header: text (arrays repeat the key in a query). */
function asText(v: unknown): string | string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The values a server may read out of one text (a query, path or header value): the text, a number, a boolean. */
export function readings(text: string | string[]): unknown[] {
  if (Array.isArray(text)) return [text, ...(text.length === 1 ? readings(text[0]!) : [])];
  const out: unknown[] = [text, [text]];
  if (text.trim() !== '' && !Number.isNaN(Number(text))) out.push(Number(text), [Number(text)]);
  if (text === 'true' || text === 'false') out.push(text === 'true');
  if (text === 'null') out.push(null);
  return out;
}

/**
 * Requests generated from one document: values from json-schema-faker (seeded, so a fixed seed gives the
 * same requests), every positive case held against the document's own schema by the validator before it
 * is sent, every negative one confirmed invalid by it, so a verdict never rests on the generator's say.
 */
export class CaseGenerator {
  constructor(
    private readonly validator: SchemaValidator,
    private readonly seed: number,
    private readonly dialect: 'openapi-3.0' | 'openapi-3.1' = 'openapi-3.1',
  ) {}

  // The JSON Schema form of each document schema, per mode, made once (a zone enum is hundreds of names).
  private readonly sources = new WeakMap<object, Map<Mode, Json>>();
  private readonly empty = {};

  private fake(schema: Json | undefined, mode: Mode, seed: number): unknown {
    const key = schema ?? this.empty;
    let byMode = this.sources.get(key);
    if (!byMode) this.sources.set(key, (byMode = new Map()));
    let source = byMode.get(mode);
    if (!source) byMode.set(mode, (source = narrow(toJsonSchema(key, this.dialect), mode) as Json));
    return generateSync(source as never, {
      seed,
      optionalsProbability: mode === 'random' ? 0.5 : 0,
      maxDefaultItems: 3,
      refDepthMax: 3,
    });
  }

  /** A value for one schema that the validator accepts (boundary first, random after), or why there is none. */
  private value(schema: Json | undefined, mode: Mode, seed: number, check: (v: unknown) => boolean): { value: unknown } | NoCase {
    const modes: Mode[] = mode === 'random' ? ['random'] : [mode, 'random'];
    let last = '';
    for (const m of modes) {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const v = this.fake(schema, m, hashSeed(seed, m, attempt));
          if (check(v)) return { value: v };
          last = `generated ${JSON.stringify(v)?.slice(0, 120)}, which the document itself rejects`;
        } catch (e) {
          last = `the generator cannot read this schema: ${(e as Error).message.slice(0, 200)}`;
        }
      }
    }
    return { unchecked: last };
  }

  /** A request the document says is valid; case 0 is minimal, case 1 blank, the rest random. */
  positive(op: Operation, index: number, overrides: Overrides = {}): RequestCase | NoCase {
    const mode: Mode = index === 0 ? 'minimal' : index === 1 ? 'blank' : 'random';
    const seed = hashSeed(this.seed, op.id, index);
    const pick = rng(seed);
    const c: RequestCase = { op, kind: 'positive', note: `${mode} case ${index}`, path: {}, query: {}, headers: {} };
    for (const p of op.parameters) {
      if (p.in === 'cookie') continue;
      const include = p.required || (mode === 'random' && pick() < 0.5);
      if (!include) continue;
      let text: string | string[] | undefined = overrides[p.name];
      if (text === undefined) {
        const compiled = this.validator.compile(p.schema);
        if (!compiled.ok) return { unchecked: `${p.in} parameter ${p.name}: ${compiled.reason}` };
        const got = this.value(p.schema, mode, hashSeed(seed, p.in, p.name), (v) => {
          const t = asText(v);
          return t !== undefined && compiled.accepts(v) && (p.in !== 'path' || t !== '');
        });
        if ('unchecked' in got) return { unchecked: `${p.in} parameter ${p.name}: ${got.unchecked}` };
        text = asText(got.value);
      }
      if (text === undefined) continue;
      place(c, p, text);
    }
    const media = jsonMedia(op.requestBody?.content);
    if (media && (op.requestBody!.required || mode !== 'minimal' || pick() < 0.5)) {
      const compiled = this.validator.compile(media.media.schema);
      if (!compiled.ok) return { unchecked: `request body: ${compiled.reason}` };
      const got = this.value(media.media.schema, mode, hashSeed(seed, 'body'), (v) => compiled.accepts(withOverrides(v, overrides)));
      if ('unchecked' in got) return { unchecked: `request body: ${got.unchecked}` };
      c.body = withOverrides(got.value, overrides);
      c.mediaType = media.type === '*/*' ? 'application/json' : media.type;
    } else if (op.requestBody?.required) {
      return { unchecked: `request body: no JSON media type among ${Object.keys(op.requestBody.content).join(', ')}` };
    }
    return c;
  }

  /**
   * A request the document says is invalid in exactly one place (a missing required field, a value off its
   * schema, a body of the wrong type), built on a valid random case; null when the document leaves nothing
   * to get wrong (no parameters, no body, only free text).
   */
  negative(op: Operation, index: number, overrides: Overrides = {}): RequestCase | NoCase | null {
    const base = this.positive(op, 2 + index, overrides);
    if ('unchecked' in base) return base;
    const mutations = this.mutations(base);
    if ('unchecked' in mutations) return mutations;
    if (mutations.length === 0) return null;
    const pick = rng(hashSeed(this.seed, op.id, 'negative'));
    // A seeded shuffle, then case i takes mutation i: N cases try N different faults before any repeats.
    const order = mutations.map((m) => ({ m, k: pick() })).sort((a, b) => a.k - b.k);
    const chosen = order[index % order.length]!.m;
    const c: RequestCase = {
      ...base,
      kind: 'negative',
      note: chosen.note,
      path: { ...base.path },
      query: { ...base.query },
      headers: { ...base.headers },
    };
    chosen.apply(c);
    return c;
  }

  private mutations(base: RequestCase): { note: string; apply(c: RequestCase): void }[] | NoCase {
    const out: { note: string; apply(c: RequestCase): void }[] = [];
    for (const p of base.op.parameters) {
      if (p.in === 'cookie') continue;
      if (p.required && p.in !== 'path') out.push({ note: `required ${p.in} parameter ${p.name} left out`, apply: (c) => unplace(c, p) });
      const compiled = this.validator.compile(p.schema);
      if (!compiled.ok) return { unchecked: `${p.in} parameter ${p.name}: ${compiled.reason}` };
      const texts = invalidTexts(p.schema).filter(
        (text) =>
          !(p.in === 'path' && text === '') &&
          !(p.in === 'header' && !/^[\t\x20-\x7e]*$/.test(text)) &&
          !readings(text).some((v) => compiled.accepts(v)),
      );
      const text = oneOf(texts, hashSeed(this.seed, base.op.id, p.in, p.name));
      if (text !== undefined)
        out.push({
          note: `${p.in} parameter ${p.name}=${JSON.stringify(text).slice(0, 60)}, off its schema`,
          apply: (c) => place(c, p, text),
        });
    }
    const media = jsonMedia(base.op.requestBody?.content);
    if (media) {
      const compiled = this.validator.compile(media.media.schema);
      if (!compiled.ok) return { unchecked: `request body: ${compiled.reason}` };
      const mediaType = media.type === '*/*' ? 'application/json' : media.type;
      if (base.op.requestBody!.required)
        out.push({
          note: 'required request body left out',
          apply: (c) => {
            delete c.body;
            delete c.mediaType;
          },
        });
      const body = base.body;
      const schema = toJsonSchema(media.media.schema ?? {}, this.dialect) as Json;
      for (const whole of [[], 'not an object', 12345, null]) {
        if (compiled.accepts(whole)) continue;
        out.push({ note: `request body ${JSON.stringify(whole)} of the wrong type`, apply: (c) => setBody(c, whole, mediaType) });
        break;
      }
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const obj = body as Json;
        const props = (schema.properties as Record<string, Json> | undefined) ?? {};
        for (const name of (schema.required as string[] | undefined) ?? []) {
          const { [name]: _, ...rest } = obj;
          if (!compiled.accepts(rest))
            out.push({ note: `required body field ${name} left out`, apply: (c) => setBody(c, rest, mediaType) });
        }
        for (const [name, sub] of Object.entries(props)) {
          const bad = invalidValues(sub).filter((v) => !compiled.accepts({ ...obj, [name]: v }));
          const chosen = oneOf(bad, hashSeed(this.seed, base.op.id, 'body', name));
          if (chosen === undefined) continue;
          const next = { ...obj, [name]: chosen };
          out.push({
            note: `body field ${name}=${JSON.stringify(chosen).slice(0, 60)}, off its schema`,
            apply: (c) => setBody(c, next, mediaType),
          });
        }
        if (schema.additionalProperties === false) {
          const next = { ...obj, unexpected_field_x: 1 };
          if (!compiled.accepts(next))
            out.push({ note: 'a body field the document does not allow', apply: (c) => setBody(c, next, mediaType) });
        }
      }
    }
    return out;
  }
}

/** One of several candidates, the same one for the same seed. */
function oneOf<T>(list: T[], seed: number): T | undefined {
  return list.length ? list[seed % list.length] : undefined;
}

function place(c: RequestCase, p: Parameter, text: string | string[]): void {
  const one = Array.isArray(text) ? text.join(',') : text;
  if (p.in === 'path') c.path[p.name] = one;
  else if (p.in === 'header') c.headers[p.name] = one;
  else c.query[p.name] = text;
}

function unplace(c: RequestCase, p: Parameter): void {
  if (p.in === 'header') delete c.headers[p.name];
  else delete c.query[p.name];
}

function setBody(c: RequestCase, body: unknown, mediaType: string): void {
  c.body = body;
  c.mediaType = mediaType;
}

/** A generated body with the caller's values in its top-level fields (where it has the field at all). */
function withOverrides(body: unknown, overrides: Overrides): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out = { ...(body as Json) };
  for (const [k, v] of Object.entries(overrides)) if (k in out && out[k] !== null) out[k] = v;
  return out;
}

/** Every bound, type and format a schema states, read through anyOf/oneOf branches. */
function facets(schema: unknown): Json[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Json;
  return [s, ...[...((s.anyOf as unknown[]) ?? []), ...((s.oneOf as unknown[]) ?? []), ...((s.allOf as unknown[]) ?? [])].flatMap(facets)];
}

/** Candidate texts off a parameter's schema; the caller keeps one that no reading of makes valid. */
function invalidTexts(schema: unknown): string[] {
  const out = ['not-a-valid-value', '-1', '1.5', '', '%%%', 'x'.repeat(10_001)];
  for (const f of facets(schema)) {
    if (typeof f.maximum === 'number') out.push(String(f.maximum + 1));
    if (typeof f.minimum === 'number') out.push(String(f.minimum - 1));
    if (typeof f.maxLength === 'number') out.push('x'.repeat(f.maxLength + 1));
    if (typeof f.minLength === 'number' && f.minLength > 0) out.push('x'.repeat(f.minLength - 1));
  }
  return out;
}

/** Candidate JSON values off a field's schema: wrong types first, then just past each bound. */
function invalidValues(schema: unknown): unknown[] {
  const out: unknown[] = [12345, 'not-a-valid-value', true, { unexpected: 1 }, [12345], null];
  for (const f of facets(schema)) {
    if (typeof f.maximum === 'number') out.push(f.maximum + 1);
    if (typeof f.minimum === 'number') out.push(f.minimum - 1);
    if (f.type === 'integer') out.push(0.5);
    if (typeof f.maxLength === 'number') out.push('x'.repeat(f.maxLength + 1));
    if (typeof f.minLength === 'number' && f.minLength > 0) out.push('x'.repeat(f.minLength - 1));
    if (typeof f.maxItems === 'number') out.push(Array.from({ length: f.maxItems + 1 }, () => 'x'));
    if (typeof f.pattern === 'string' || typeof f.format === 'string') out.push('!!! not matching');
    if (Array.isArray(f.enum)) out.push('__not_in_enum__');
  }
  return out;
}
