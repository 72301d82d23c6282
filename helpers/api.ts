import type { Server } from 'node:http';
import request from 'supertest';
import type { z } from 'zod';
import { ErrorEnvelope as ErrorEnvelopeSchema } from '../src/contract/errors.js';
import { routes, type RouteId } from '../src/contract/routes.js';

type Spec<R extends RouteId> = (typeof routes)[R];
type SuccessSchemas<R extends RouteId> = Spec<R>['success'][keyof Spec<R>['success']];
export type SuccessBody<R extends RouteId> = SuccessSchemas<R> extends z.ZodType ? z.output<SuccessSchemas<R>> : never;
type InOf<T> = T extends z.ZodType ? z.input<T> : never;

export interface CallInput<R extends RouteId> {
  params?: Record<string, string>;
  query?: Spec<R> extends { querystring: z.ZodType }
    ? Partial<Record<keyof InOf<Spec<R>['querystring']>, unknown>> & Record<string, unknown>
    : Record<string, unknown>;
  body?: Spec<R> extends { body: z.ZodType } ? InOf<Spec<R>['body']> : unknown;
  headers?: Record<string, string>;
}

/** Anything at all, for tests that send what the schemas forbid. */
export interface RawInput {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export type Outcome<R extends RouteId> =
  | { ok: true; status: number; body: SuccessBody<R>; headers: Record<string, string> }
  | { ok: false; status: number; body: ErrorEnvelope; headers: Record<string, string> };

type ErrorEnvelope = z.output<typeof ErrorEnvelopeSchema>;

export class ContractViolation extends Error {}

/**
 * The one way tests talk to the API. Every response is parsed with the contract schema of its route and
 * status (an error status with the one envelope), so a drift in any field fails the test that saw it.
 */
export class ApiClient {
  constructor(private readonly target: string | Server) {}

  path(route: RouteId, params: Record<string, string> = {}): string {
    return routes[route].path.replace(/\{(\w+)\}/g, (_, k: string) => {
      if (!(k in params)) throw new Error(`${route}: missing path parameter ${k}`);
      return encodeURIComponent(params[k]!);
    });
  }

  async call<R extends RouteId>(route: R, input: CallInput<R> | RawInput = {}): Promise<Outcome<R>> {
    const spec = routes[route];
    const url = this.path(route, input.params);
    const agent = request(this.target);
    let req = agent[spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](url);
    if (input.query) req = req.query(stringifyQuery(input.query));
    for (const [k, v] of Object.entries(input.headers ?? {})) req = req.set(k, v);
    const raw = (input as RawInput).rawBody;
    if (raw !== undefined) req = req.set('content-type', 'application/json').send(raw);
    else if (input.body !== undefined) req = req.send(input.body as object);
    const res = await req;
    return parseOutcome(route, res.status, res.headers['content-type'] ?? '', res.text, res.headers as Record<string, string>);
  }

  /** A success of this route, typed; anything else fails with the response in the message. */
  async ok<R extends RouteId>(route: R, input: CallInput<R> = {}, status?: number): Promise<SuccessBody<R>> {
    const out = await this.call(route, input);
    if (!out.ok || (status !== undefined && out.status !== status)) {
      throw new Error(`${route} expected ${status ?? 'success'}, got ${out.status}: ${JSON.stringify(out.body)}`);
    }
    return out.body;
  }

  /** An error of this route with the given status, its envelope parsed. */
  async fail<R extends RouteId>(route: R, input: CallInput<R> | RawInput, status: number): Promise<ErrorEnvelope> {
    const out = await this.call(route, input);
    if (out.ok || out.status !== status) throw new Error(`${route} expected ${status}, got ${out.status}: ${JSON.stringify(out.body)}`);
    return out.body;
  }
}

function stringifyQuery(q: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

export function parseOutcome<R extends RouteId>(
  route: R,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string>,
): Outcome<R> {
  const spec = routes[route];
  const success = (spec.success as Record<number, z.ZodType>)[status];
  if (success) {
    const isJson = contentType.includes('application/json');
    const value = text === '' ? null : isJson ? JSON.parse(text) : text;
    const parsed = success.safeParse(value);
    if (!parsed.success)
      throw new ContractViolation(
        `${route} ${status}: response does not match its schema: ${parsed.error.message}\nbody: ${text.slice(0, 2000)}`,
      );
    const extra = undocumentedKeys(value, parsed.data);
    if (extra.length)
      throw new ContractViolation(`${route} ${status}: response has fields the contract does not describe: ${extra.join(', ')}`);
    return { ok: true, status, body: parsed.data as SuccessBody<R>, headers };
  }
  if (status >= 400) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ContractViolation(`${route} ${status}: error body is not JSON: ${text.slice(0, 500)}`);
    }
    const parsed = ErrorEnvelopeSchema.safeParse(json);
    if (!parsed.success) throw new ContractViolation(`${route} ${status}: error body is not the envelope: ${text.slice(0, 500)}`);
    if (status >= 500 && status !== 503) throw new ContractViolation(`${route} answered ${status}: ${text.slice(0, 500)}`);
    return { ok: false, status, body: parsed.data, headers };
  }
  throw new ContractViolation(`${route} answered an undeclared status ${status}: ${text.slice(0, 500)}`);
}

/**
 * Keys present on the wire but dropped by the schema: a field the code sends and the contract does not
 * describe (the original's documented-but-absent `service_uptime`, in reverse) is drift too.
 */
export function undocumentedKeys(raw: unknown, parsed: unknown, path = ''): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) return raw.flatMap((r, i) => undocumentedKeys(r, parsed[i], `${path}[${i}]`));
  if (raw && typeof raw === 'object' && parsed && typeof parsed === 'object' && !Array.isArray(raw)) {
    const p = parsed as Record<string, unknown>;
    return Object.entries(raw as Record<string, unknown>).flatMap(([k, v]) =>
      k in p ? undocumentedKeys(v, p[k], path ? `${path}.${k}` : k) : [path ? `${path}.${k}` : k],
    );
  }
  return [];
}
