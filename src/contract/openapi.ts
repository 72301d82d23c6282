import { z } from 'zod';
import { statedSchemas } from './common.js';
import { ErrorEnvelope } from './errors.js';
import { NO_CONTENT, routeList, type RouteSpec } from './routes.js';
import { BODY_LIMIT_BYTES, WIRE_RULES } from './wire-input.js';

export const SERVICE_VERSION = '1.0.0';

type Json = Record<string, unknown>;
const COMPONENT = '#/components/schemas/';

/**
 * Every schema with an `id` in its zod metadata becomes one entry of `components.schemas`, referenced
 * wherever it is used (zod puts such schemas under `$defs`; they are moved up here). One id must mean one
 * JSON Schema: an id whose input and output forms differ would be two schemas under one name, so it fails
 * here rather than documenting either form wrongly.
 */
class Components {
  readonly schemas: Record<string, Json> = {};

  jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
    const out = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      override: (ctx) => {
        const own = statedSchemas.get(ctx.zodSchema);
        if (!own) return;
        const target = ctx.jsonSchema as Json;
        for (const key of Object.keys(target)) delete target[key];
        Object.assign(target, own.jsonSchema());
      },
    }) as Json;
    const { $schema: _dialect, $defs, ...rest } = out;
    for (const [id, def] of Object.entries(($defs as Record<string, Json> | undefined) ?? {})) this.add(id, relink(def) as Json);
    // A schema with an id of its own comes back as a reference to its entry, added above.
    return relink(rest) as Json;
  }

  private add(id: string, schema: Json): void {
    const known = this.schemas[id];
    if (known && JSON.stringify(known) !== JSON.stringify(schema)) {
      throw new Error(`schema id ${id} stands for two different JSON Schemas (input and output differ): give each its own id`);
    }
    this.schemas[id] = schema;
  }
}

/** `#/$defs/X` (zod's place for shared schemas) → `#/components/schemas/X` (OpenAPI's). */
function relink(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(relink);
  if (!v || typeof v !== 'object') return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = k === '$ref' && typeof x === 'string' ? x.replace('#/$defs/', COMPONENT) : relink(x);
  }
  return out;
}

function parameters(r: RouteSpec, c: Components): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [
    ['path', r.params],
    ['query', r.querystring],
    ['header', r.headers],
  ] as const) {
    if (!obj) continue;
    const s = c.jsonSchema(obj, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(s.properties ?? {})) {
      const { description, ...rest } = schema;
      out.push({
        name,
        in: where,
        required: where === 'path' || (s.required ?? []).includes(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

const ERROR_MEANING: Record<number, string> = {
  400: 'Not valid HTTP, malformed JSON, or a body that does not match its Content-Length',
  404: 'Not found for this user (or no such route)',
  409: 'A conflict: the id is taken, or the Idempotency-Key was used for another request or is in progress',
  413: `The body is larger than ${BODY_LIMIT_BYTES} bytes`,
  415: 'The body is not application/json',
  422: 'A field breaks a rule of this document (or of the description); details name each field',
  503: 'The database is unavailable or the service is shutting down; nothing was written',
};

/** The rules of an operation that its schemas cannot say, for its description. */
function unstatedRules(r: RouteSpec): string[] {
  const rules: string[] = [];
  if (r.body || r.querystring || r.params) rules.push(WIRE_RULES);
  if (r.describe) rules.push(...r.describe);
  return rules;
}

/** The OpenAPI 3.1 document, generated from the zod route table: the only description of the API. */
export function buildOpenApiDocument(): Json {
  const c = new Components();
  const errorRef = c.jsonSchema(ErrorEnvelope, 'output');
  const paths: Record<string, Json> = {};
  for (const r of routeList) {
    const responses: Json = {};
    for (const [status, schema] of Object.entries(r.success)) {
      const media = r.media?.[Number(status)];
      if (schema === NO_CONTENT) responses[status] = { description: 'No content: no body and no content type' };
      else if (media) {
        responses[status] = {
          description: 'Success',
          content: Object.fromEntries(Object.entries(media).map(([type, s]) => [type, { schema: c.jsonSchema(s, 'output') }])),
        };
      } else responses[status] = { description: 'Success', content: { 'application/json': { schema: c.jsonSchema(schema, 'output') } } };
    }
    for (const status of r.errors) {
      responses[String(status)] = { description: ERROR_MEANING[status] ?? 'Error', content: { 'application/json': { schema: errorRef } } };
    }
    const rules = unstatedRules(r);
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      ...(rules.length > 0 ? { description: rules.join('\n\n') } : {}),
      parameters: parameters(r, c),
      responses,
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: c.jsonSchema(r.body, 'input') } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Journaling AI API',
      version: SERVICE_VERSION,
      description: `Rules every request obeys besides its schemas (docs/CONTRACT.md has the rest): ${WIRE_RULES}`,
    },
    paths,
    components: { schemas: Object.fromEntries(Object.entries(c.schemas).sort(([a], [b]) => (a < b ? -1 : 1))) },
  };
}
