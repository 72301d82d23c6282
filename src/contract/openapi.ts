import { z } from 'zod';
import { statedSchemas } from './common.js';
import { ErrorEnvelope } from './errors.js';
import { routeList, type RouteSpec } from './routes.js';

export const SERVICE_VERSION = '1.0.0';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const own = statedSchemas.get(ctx.zodSchema);
      if (!own) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
      Object.assign(ctx.jsonSchema, own);
    },
  }) as Record<string, unknown>;
  return rest;
}

function parameters(r: RouteSpec) {
  const out: Record<string, unknown>[] = [];
  for (const [where, obj] of [
    ['path', r.params],
    ['query', r.querystring],
    ['header', r.headers],
  ] as const) {
    if (!obj) continue;
    const s = jsonSchema(obj, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(s.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (s.required ?? []).includes(name), schema });
    }
  }
  return out;
}

/** The OpenAPI 3.1 document, generated from the zod route table: the only description of the API. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = jsonSchema(ErrorEnvelope, 'output');
  for (const r of routeList) {
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(r.success)) {
      responses[status] = { description: 'Success', content: { 'application/json': { schema: jsonSchema(schema, 'output') } } };
    }
    for (const status of r.errors) {
      responses[String(status)] = { description: 'Error', content: { 'application/json': { schema: error } } };
    }
    const op: Record<string, unknown> = { operationId: r.operationId, summary: r.summary, parameters: parameters(r), responses };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Journaling AI API', version: SERVICE_VERSION },
    paths,
  };
}
