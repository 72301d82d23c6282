import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace carries it as `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

type Json = Record<string, unknown>;

/** A compiled schema: the problems of a value ([] when it meets it), or why it could not be compiled. */
export type Compiled = { ok: true; problems(value: unknown): string[]; accepts(value: unknown): boolean } | { ok: false; reason: string };

export interface ValidatorOptions {
  /** 'openapi-3.0' reads `nullable` and boolean `exclusiveMinimum` as OpenAPI 3.0 means them. */
  dialect?: 'openapi-3.0' | 'openapi-3.1';
  /**
   * Assert `format` (date-time, uuid, ...). JSON Schema 2020-12 makes it an annotation; the checks assert
   * it (a document that says date-time promises one), the behaviour-level reader of answers does not.
   */
  formats?: boolean;
}

const ANNOTATIONS = new Set(['example', 'examples', 'discriminator', 'xml', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly']);

/**
 * An OpenAPI Schema Object as plain JSON Schema 2020-12: OpenAPI 3.0's `nullable: true` becomes "or null"
 * (also honoured in 3.1 documents that still write it), 3.0's boolean exclusive bounds become numbers, and
 * OpenAPI-only annotations are dropped so ajv's strict mode does not trip on them.
 */
export function toJsonSchema(
  schema: unknown,
  dialect: ValidatorOptions['dialect'] = 'openapi-3.1',
  seen = new Map<object, unknown>(),
): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, dialect, seen));
  if (!schema || typeof schema !== 'object') return schema;
  // A dereferenced document shares objects (and may be circular where the parser left a cycle in place).
  if (seen.has(schema)) return seen.get(schema);
  const out: Json = {};
  seen.set(schema, out);
  const o = schema as Json;
  for (const [k, v] of Object.entries(o)) {
    if (ANNOTATIONS.has(k) || k === 'nullable') continue;
    if (dialect === 'openapi-3.0' && (k === 'exclusiveMinimum' || k === 'exclusiveMaximum') && typeof v === 'boolean') {
      const bound = k === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (v && typeof o[bound] === 'number') out[k] = o[bound];
      continue;
    }
    if (dialect === 'openapi-3.0' && (k === 'minimum' || k === 'maximum')) {
      const exclusive = o[k === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'];
      if (exclusive === true) continue;
    }
    // `properties`, `$defs`, `patternProperties` hold schemas by name; everything else recurses as is.
    out[k] = toJsonSchema(v, dialect, seen);
  }
  if (o.nullable === true) {
    const nullable: Json = { anyOf: [out, { type: 'null' }] };
    seen.set(schema, nullable);
    return nullable;
  }
  return out;
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  const extra =
    e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return `${at}: ${e.message ?? e.keyword}${extra}`;
}

/**
 * ajv (JSON Schema 2020-12) with ajv-formats, compiling the schemas of one document. Compilation is cached
 * per schema object; a schema ajv cannot compile (an unknown format, a $ref the parser left unresolved)
 * comes back as `{ ok: false, reason }` so a caller reports it unchecked, never as a pass.
 */
export class SchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly cache = new WeakMap<object, Compiled>();
  // A document without $refs repeats the same schema (the error envelope) under every operation and status:
  // compiled once by content, not once per copy (ajv compiles cost milliseconds each).
  private readonly byText = new Map<string, Compiled>();

  constructor(private readonly opts: ValidatorOptions = {}) {
    // strict: false: documents carry keywords of their own (x-*, OpenAPI leftovers) that are not errors.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: opts.formats !== false, unicodeRegExp: true });
    addFormats(this.ajv);
  }

  compile(schema: unknown): Compiled {
    if (schema === true || schema === undefined) return { ok: true, problems: () => [], accepts: () => true };
    if (schema === false) return { ok: true, problems: () => ['(root): the document allows no value here'], accepts: () => false };
    if (!schema || typeof schema !== 'object') return { ok: false, reason: `not a schema: ${JSON.stringify(schema)}` };
    const hit = this.cache.get(schema);
    if (hit) return hit;
    let text: string | undefined;
    try {
      text = JSON.stringify(schema);
    } catch {
      // A cycle the parser left in place: compiled (and refused) by ajv below, without the text cache.
    }
    const same = text === undefined ? undefined : this.byText.get(text);
    if (same) {
      this.cache.set(schema, same);
      return same;
    }
    let compiled: Compiled;
    try {
      const validate = this.ajv.compile(toJsonSchema(schema, this.opts.dialect) as Json);
      compiled = {
        ok: true,
        problems: (value) => (validate(value) ? [] : (validate.errors ?? []).slice(0, 5).map(describe)),
        accepts: (value) => validate(value) === true,
      };
    } catch (e) {
      compiled = { ok: false, reason: `the validator cannot compile this schema: ${(e as Error).message.slice(0, 300)}` };
    }
    this.cache.set(schema, compiled);
    if (text !== undefined) this.byText.set(text, compiled);
    return compiled;
  }
}
