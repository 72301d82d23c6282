import { expect } from 'vitest';
import { routes, type RouteId } from '../src/contract/routes.js';
import type { ApiClient, RawInput, Reply } from './api.js';
import type { Operation } from './checks/document.js';
import { runTarget } from './deployment/run.js';

/**
 * What a behaviour-level test owes any deployment about one questionable input, judged from the target's
 * own document (the strict level adds this project's exact statuses and envelopes on top):
 *  - never a 5xx;
 *  - a value the target's own document forbids is refused, with a 4xx that names the field;
 *  - a refusal of anything else names the field too (a refusal for some other field would mean the base
 *    request is not valid there: the suite's fault, shown as such);
 *  - an accepted value is stored as sent (the caller's `kept` reads the answer).
 * What the target does not declare is not held against it: it may refuse or ignore it, never 5xx on it.
 */
export type Where = 'params' | 'query' | 'body';

/** Whether an error's details name `field` (or a part of it, or a field inside it). */
export function namesField(details: readonly { path: string }[], field: string, where: Where): boolean {
  // Path parameters go by the target's own names ({entry_id} for our {id}): any named detail will do.
  if (where === 'params') return details.some((d) => d.path !== '');
  return details.some((d) => d.path === field || d.path.startsWith(`${field}.`) || field.startsWith(`${d.path}.`));
}

export interface Judged<R extends RouteId> {
  reply: Reply<R>;
  /** Whether the target had to refuse (the strict contract: always). */
  mustReject: boolean;
}

export async function refusedOrKept<R extends RouteId>(
  api: ApiClient,
  route: R,
  input: RawInput,
  probe: {
    where: Where;
    field: string;
    value: unknown;
    /** The answer of an accepted request: the value must be stored as sent. */
    kept?: (body: unknown) => void;
    /** Forbidden by a rule the document states that zod's reading of it does not assert (a `format`, say). */
    forbidden?: boolean;
    what?: string;
  },
): Promise<Judged<R>> {
  const what = probe.what ?? `${route} ${probe.where}.${probe.field}=${JSON.stringify(probe.value)?.slice(0, 80)}`;
  const reply = await api.raw(route, input);
  expect(reply.status, `${what}: never a 5xx`).toBeLessThan(500);
  const top = probe.field.split('.')[0]!;
  // The target's rule is about the whole top-level field: a nested value is judged inside its object.
  const body = input.body as Record<string, unknown> | undefined;
  const sent = probe.where === 'body' && body && top in body ? body[top] : probe.value;
  const mustReject = probe.forbidden === true || api.mustReject(route, probe.where, top, sent);
  if (mustReject) expect(reply.ok, `${what}: the target's own document forbids it, yet it was accepted`).toBe(false);
  if (!reply.ok) {
    expect(reply.status, what).toBeGreaterThanOrEqual(400);
    expect(
      namesField(reply.body.details, probe.field, probe.where),
      `${what}: ${reply.status} does not name ${probe.field}: ${JSON.stringify(reply.body)}`,
    ).toBe(true);
  } else if (probe.kept && (api.conformance === 'strict' || (await targetField(route, probe.where, top)))) {
    // Stored as sent: a field the target's document does not declare is ignored by it, not held against it.
    probe.kept(reply.body);
  }
  return { reply, mustReject };
}

/** The target's own operation for one of this project's routes (undefined: it does not have it, or the strict level). */
export async function targetOperation(route: RouteId): Promise<Operation | undefined> {
  const t = runTarget();
  if (t.conformance === 'strict') return undefined;
  const spec = routes[route];
  return t.document?.operation(spec.method, spec.path);
}

/**
 * The target's own rule for one input field: `required` and its schema; undefined when its document does
 * not declare the field (or under the strict level, where this project's contract is the rule).
 */
export async function targetField(
  route: RouteId,
  where: Where,
  field: string,
): Promise<{ required: boolean; schema: Record<string, unknown> } | undefined> {
  const op = await targetOperation(route);
  if (!op) return undefined;
  if (where === 'body') {
    const schema = op.requestBody?.content['application/json']?.schema as Record<string, unknown> | undefined;
    const props = schema?.properties as Record<string, Record<string, unknown>> | undefined;
    const prop = props && Object.hasOwn(props, field) ? props[field] : undefined;
    if (!prop) return undefined;
    return { required: ((schema?.required as string[] | undefined) ?? []).includes(field), schema: prop };
  }
  const at = where === 'params' ? 'path' : 'query';
  let p = op.parameters.find((x) => x.in === at && x.name === field);
  if (!p && at === 'path') {
    const path = op.parameters.filter((x) => x.in === 'path');
    if (path.length === 1) p = path[0];
  }
  return p ? { required: p.required, schema: p.schema ?? {} } : undefined;
}

/** Whether leaving `field` out must be refused: always under the strict contract, else where the target requires it. */
export async function mustRequire(api: ApiClient, route: RouteId, where: Where, field: string): Promise<boolean> {
  if (api.conformance === 'strict') return true;
  return (await targetField(route, where, field))?.required === true;
}

/** Whether the target's document gives this field a date or date-time `format` (the strict contract: always). */
export async function isDateField(api: ApiClient, route: RouteId, where: Where, field: string): Promise<boolean> {
  if (api.conformance === 'strict') return true;
  const f = await targetField(route, where, field);
  return f !== undefined && formatsOf(f.schema).some((x) => x === 'date' || x === 'date-time');
}

/** Every `format` a schema (or its anyOf/oneOf/allOf branches) declares. */
export function formatsOf(schema: unknown): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const o = schema as Record<string, unknown>;
  const own = typeof o.format === 'string' ? [o.format] : [];
  return [...own, ...(['anyOf', 'oneOf', 'allOf'] as const).flatMap((k) => ((o[k] as unknown[] | undefined) ?? []).flatMap(formatsOf))];
}

/** A guarantee about a route the target does not have: "not applicable" with the reason printed, never passed. */
export function skipUnoffered(api: ApiClient, ctx: { skip(note?: string): void; task: { name: string } }, ...ids: RouteId[]): void {
  const missing = ids.filter((id) => !api.offers(id));
  if (!missing.length) return;
  const why = `the target's own document has no ${missing.map((id) => `${routes[id].method} ${routes[id].path}`).join(', ')}`;
  console.warn(`[journal-suite] skipped "${ctx.task.name}": ${why}`);
  ctx.skip(why);
}

/** Whether the target's own document has this method on this path template (`{id}` matches any parameter). */
export function documentHas(method: string, path: string): boolean {
  return runTarget().document?.operation(method, path) !== undefined;
}
