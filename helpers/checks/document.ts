import { dereference } from '@readme/openapi-parser';

type Json = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema?: Json;
}

export interface MediaType {
  schema?: Json;
}

export interface ResponseSpec {
  content?: Record<string, MediaType>;
  headers?: Record<string, { required?: boolean; schema?: Json }>;
}

/** One operation of a dereferenced document, with path-level parameters merged in. */
export interface Operation {
  method: string;
  /** The document's path template, e.g. `/api/v1/entries/{id}`. */
  path: string;
  id: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, ResponseSpec>;
}

export interface OpenApi {
  version: string;
  dialect: 'openapi-3.0' | 'openapi-3.1';
  /** The path the document's first server puts before every path (`/api` for `servers: [{url: '/api'}]`). */
  basePath: string;
  operations: Operation[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/**
 * A target's OpenAPI document, dereferenced by @readme/openapi-parser (a kept parser: $refs to components,
 * parameters and responses all resolved). A cycle is left as its $ref, which the validator then reports as
 * a schema it cannot read, so the answer it governs is unchecked rather than passed.
 */
export async function loadOpenApi(raw: Json): Promise<OpenApi> {
  const doc = (await dereference(structuredClone(raw) as never, {
    dereference: { circular: 'ignore' },
    resolve: { external: false },
  })) as unknown as Json;
  const version = String(doc.openapi ?? doc.swagger ?? '');
  if (!/^3\./.test(version)) throw new Error(`not an OpenAPI 3 document (openapi: ${JSON.stringify(version)})`);
  const server = ((doc.servers as { url?: string }[] | undefined) ?? [])[0]?.url ?? '';
  let basePath = '';
  try {
    basePath = new URL(server, 'http://placeholder').pathname.replace(/\/+$/, '');
  } catch {
    basePath = '';
  }
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries((doc.paths as Record<string, Json> | undefined) ?? {})) {
    const shared = (item.parameters as Parameter[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op || typeof op !== 'object') continue;
      const own = (op.parameters as Parameter[] | undefined) ?? [];
      // An operation's own parameter overrides a path-level one of the same name and place.
      const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own].map((p) => ({
        ...p,
        required: p.in === 'path' ? true : p.required === true,
      }));
      const body = op.requestBody as { required?: boolean; content?: Record<string, MediaType> } | undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        id: `${method.toUpperCase()} ${path}`,
        parameters,
        ...(body?.content && { requestBody: { required: body.required === true, content: body.content } }),
        responses: (op.responses as Record<string, ResponseSpec> | undefined) ?? {},
      });
    }
  }
  return { version, dialect: version.startsWith('3.0') ? 'openapi-3.0' : 'openapi-3.1', basePath, operations };
}

/** The response a status falls under: its own entry, then `4XX`-style ranges, then `default`. */
export function responseFor(op: Operation, status: number): { key: string; spec: ResponseSpec } | undefined {
  for (const key of [String(status), `${String(status)[0]}XX`, `${String(status)[0]}xx`, 'default']) {
    const spec = op.responses[key];
    if (spec) return { key, spec };
  }
  return undefined;
}

/** The JSON media type of a request or response content map, if it declares one. */
export function jsonMedia(content: Record<string, MediaType> | undefined): { type: string; media: MediaType } | undefined {
  for (const [type, media] of Object.entries(content ?? {})) {
    if (/^application\/(.+\+)?json\b/i.test(type) || type === '*/*') return { type, media };
  }
  return undefined;
}
