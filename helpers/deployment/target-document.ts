import { z } from 'zod';

/**
 * The target's own OpenAPI document, as the behaviour level reads it: which 2xx statuses a route declares
 * (a create answering 200 is fine where the target says 200) and the schema its answers must meet. A
 * target that serves no document is judged on status class alone, and the verdict says so.
 */
type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
  parameters?: { name: string; in: string; schema?: Json }[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
}

/** `/a/{x}/b` and `/a/{id}/b` are the same route; literal segments beat parameters when both match. */
function segments(path: string): string[] {
  return path.replace(/\/+$/, '').split('/').slice(1);
}

export class TargetDocument {
  private readonly ops: { method: string; segs: string[]; op: Operation }[] = [];
  private readonly compiled = new Map<string, z.ZodType | null>();
  private readonly defs: Json;

  constructor(
    readonly source: string,
    doc: Json,
  ) {
    this.defs = ((doc.components as Json | undefined)?.schemas as Json | undefined) ?? {};
    for (const [path, item] of Object.entries((doc.paths as Record<string, Json> | undefined) ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        if (op && typeof op === 'object' && 'responses' in op) {
          this.ops.push({
            method: method.toUpperCase(),
            segs: segments(path),
            op: { ...(op as Operation), method: method.toUpperCase(), path },
          });
        }
      }
    }
  }

  /** The documented operation a concrete request path falls under (slash-insensitive), if any. */
  operation(method: string, concretePath: string): Operation | undefined {
    const want = segments(concretePath.split('?')[0]!);
    let best: { op: Operation; params: number } | undefined;
    for (const o of this.ops) {
      if (o.method !== method || o.segs.length !== want.length) continue;
      const isParam = o.segs.map((s) => /^\{.+\}$/.test(s));
      const params = isParam.filter(Boolean).length;
      const ok = o.segs.every((s, i) => (isParam[i] ? want[i] !== '' : s === want[i]));
      if (ok && (!best || params < best.params)) best = { op: o.op, params };
    }
    return best?.op;
  }

  declaredSuccess(op: Operation): number[] {
    return Object.keys(op.responses)
      .filter((s) => /^2\d\d$/.test(s))
      .map(Number);
  }

  /** Problems of a body against the document's schema for this status ([] when it meets it or none is given). */
  check(op: Operation, status: number, body: unknown): string[] {
    const key = `${op.method} ${op.path} ${status}`;
    if (!this.compiled.has(key)) this.compiled.set(key, this.compile(op.responses[String(status)]?.content?.['application/json']?.schema));
    const schema = this.compiled.get(key);
    if (!schema) return [];
    const r = schema.safeParse(body);
    return r.success ? [] : r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  }

  /**
   * The target's own schema for one input field of an operation: undefined when it declares no such field
   * (it ignores it), null when it declares one whose schema cannot be read.
   */
  inputField(op: Operation, where: 'params' | 'query' | 'body', field: string): z.ZodType | null | undefined {
    let schema: Json | undefined;
    if (where === 'body') {
      let body = op.requestBody?.content?.['application/json']?.schema;
      const ref = typeof body?.$ref === 'string' ? body.$ref.replace('#/components/schemas/', '') : undefined;
      if (ref) body = this.defs[ref] as Json | undefined;
      schema = (body?.properties as Record<string, Json> | undefined)?.[field];
    } else {
      const at = where === 'params' ? 'path' : 'query';
      schema = op.parameters?.find((p) => p.in === at && p.name === field)?.schema;
      // Path parameters are named per document ({id} here, {entry_id} there): a lone one is the same field.
      if (!schema && at === 'path') {
        const path = op.parameters?.filter((p) => p.in === 'path') ?? [];
        if (path.length === 1) schema = path[0]!.schema;
      }
    }
    if (!schema) return undefined;
    const key = `${op.method} ${op.path} ${where}.${field}`;
    if (!this.compiled.has(key)) this.compiled.set(key, this.compile(schema));
    return this.compiled.get(key) ?? null;
  }

  private compile(schema: Json | undefined): z.ZodType | null {
    if (!schema || Object.keys(schema).length === 0) return null;
    // OpenAPI puts shared schemas under components; JSON Schema resolves refs under $defs.
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (!v || typeof v !== 'object') return v;
      const o = v as Json;
      const out: Json = {};
      for (const [k, x] of Object.entries(o)) {
        if (k === '$ref' && typeof x === 'string') out[k] = x.replace('#/components/schemas/', '#/$defs/');
        // `format` is an annotation in JSON Schema 2020-12 (asserting it is optional): a naive timestamp is not
        // held against every answer that carries one; the timestamps test judges zones on its own.
        else if (!['nullable', 'discriminator', 'example', 'examples', 'format'].includes(k)) out[k] = rewrite(x);
      }
      // OpenAPI 3.0's `nullable: true` is JSON Schema's "or null".
      return o.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
    };
    try {
      return z.fromJSONSchema({ ...(rewrite(schema) as Json), $defs: rewrite(this.defs) as Json } as never);
    } catch {
      // A schema zod cannot read is not held against the target: that answer is checked on status only.
      return null;
    }
  }

  static async load(apiUrl: string, fetchImpl: typeof fetch = fetch): Promise<TargetDocument | null> {
    for (const path of ['/openapi.json', '/api/v1/openapi.json']) {
      const res = await fetchImpl(`${apiUrl}${path}`).catch(() => null);
      if (!res?.ok) continue;
      const doc = (await res.json().catch(() => null)) as Json | null;
      if (doc && typeof doc === 'object' && typeof doc.openapi === 'string' && doc.paths)
        return new TargetDocument(`${apiUrl}${path}`, doc);
    }
    return null;
  }
}
