import { loadOpenApi, type OpenApi, type Operation } from '../checks/document.js';
import { type Compiled, SchemaValidator } from '../checks/validator.js';

/**
 * The target's own OpenAPI document, as the behaviour level reads it: which 2xx statuses a route declares
 * (a create answering 200 is fine where the target says 200) and the schema its answers must meet. A
 * target that serves no document is judged on status class alone, and the verdict says so. Parsed and
 * dereferenced by @readme/openapi-parser and validated by ajv (helpers/checks), as the checks catalogue is.
 */
export type { Operation };

/** `/a/{x}/b` and `/a/{id}/b` are the same route; literal segments beat parameters when both match. */
function segments(path: string): string[] {
  return path.replace(/\/+$/, '').split('/').slice(1);
}

/** One input field's schema, compiled: whether a value meets it. */
export interface FieldSchema {
  accepts(value: unknown): boolean;
}

export class TargetDocument {
  private readonly ops: { method: string; segs: string[]; op: Operation }[];
  // `format` is an annotation in JSON Schema 2020-12 (asserting it is optional): a naive timestamp is not
  // held against every answer that carries one; the timestamps test judges zones on its own, and the
  // checks catalogue's response_schema_conformance asserts formats.
  private readonly validator: SchemaValidator;
  /** Schemas the validator could not compile, with why: answers under them are judged on status only. */
  readonly unchecked = new Map<string, string>();

  private constructor(
    readonly source: string,
    doc: OpenApi,
  ) {
    this.validator = new SchemaValidator({ dialect: doc.dialect, formats: false });
    this.ops = doc.operations.map((op) => ({ method: op.method, segs: segments(`${doc.basePath}${op.path}`), op }));
  }

  /** A document as a target serves it ($refs and all). */
  static async from(source: string, raw: Record<string, unknown>): Promise<TargetDocument> {
    return new TargetDocument(source, await loadOpenApi(raw));
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
    const compiled = this.compile(`${op.id} ${status}`, op.responses[String(status)]?.content?.['application/json']?.schema);
    return compiled ? compiled.problems(body) : [];
  }

  /**
   * The target's own schema for one input field of an operation: undefined when it declares no such field
   * (it ignores it), null when it declares one whose schema cannot be read.
   */
  inputField(op: Operation, where: 'params' | 'query' | 'body', field: string): FieldSchema | null | undefined {
    let schema: Record<string, unknown> | undefined;
    if (where === 'body') {
      const body = op.requestBody?.content?.['application/json']?.schema;
      const props = body?.properties as Record<string, Record<string, unknown>> | undefined;
      // Own properties only: `__proto__` or `constructor` as a field name is not Object.prototype's.
      schema = props && Object.hasOwn(props, field) ? props[field] : undefined;
    } else {
      const at = where === 'params' ? 'path' : 'query';
      schema = op.parameters.find((p) => p.in === at && p.name === field)?.schema;
      // Path parameters are named per document ({id} here, {entry_id} there): a lone one is the same field.
      if (!schema && at === 'path') {
        const path = op.parameters.filter((p) => p.in === 'path');
        if (path.length === 1) schema = path[0]!.schema;
      }
    }
    if (!schema) return undefined;
    return this.compile(`${op.id} ${where}.${field}`, schema) ?? null;
  }

  private compile(what: string, schema: Record<string, unknown> | undefined): Extract<Compiled, { ok: true }> | null {
    if (!schema || Object.keys(schema).length === 0) return null;
    const compiled = this.validator.compile(schema);
    if (compiled.ok) return compiled;
    // Not held against the target, and not passed in silence either: said once, and kept for the verdict.
    if (!this.unchecked.has(what)) {
      this.unchecked.set(what, compiled.reason);
      console.warn(`[journal-suite] ${this.source}: ${what} unchecked: ${compiled.reason}`);
    }
    return null;
  }

  static async load(apiUrl: string, fetchImpl: typeof fetch = fetch): Promise<TargetDocument | null> {
    for (const path of ['/openapi.json', '/api/v1/openapi.json']) {
      const res = await fetchImpl(`${apiUrl}${path}`).catch(() => null);
      if (!res?.ok) continue;
      const doc = (await res.json().catch(() => null)) as Record<string, unknown> | null;
      if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.paths) continue;
      try {
        return await TargetDocument.from(`${apiUrl}${path}`, doc);
      } catch (e) {
        // A document the parser refuses: the target is judged on status class alone, and the run says why.
        console.warn(
          `[journal-suite] ${apiUrl}${path}: not read as OpenAPI 3 (${(e as Error).message.slice(0, 200)}); answers judged on status only`,
        );
      }
    }
    return null;
  }
}
