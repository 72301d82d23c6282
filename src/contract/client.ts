import type { z } from 'zod';
import { ErrorEnvelope } from './errors.js';
import { API_PREFIX, routes, type RouteId, type RouteSpec } from './routes.js';

type Spec<R extends RouteId> = (typeof routes)[R];
type In<T> = T extends z.ZodType ? z.input<T> : never;
type SuccessSchemas<R extends RouteId> = Spec<R>['success'][keyof Spec<R>['success']];
export type SuccessBody<R extends RouteId> = SuccessSchemas<R> extends z.ZodType ? z.output<SuccessSchemas<R>> : never;

/** A request as the contract allows it, typed from the route's schemas. */
export interface CallInput<R extends RouteId> {
  params?: Spec<R> extends { params: z.ZodType } ? In<Spec<R>['params']> : never;
  query?: Spec<R> extends { querystring: z.ZodType } ? In<Spec<R>['querystring']> : never;
  body?: Spec<R> extends { body: z.ZodType } ? In<Spec<R>['body']> : never;
  headers?: Record<string, string>;
  /** Sent as the `Idempotency-Key` header: a retry with the same key is answered with the first result. */
  idempotencyKey?: string;
}

/** Anything at all, for tests that send what the schemas forbid. */
export interface RawInput {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  /** Sent as is (content type JSON unless `headers` say otherwise); wins over `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  idempotencyKey?: string;
}

/**
 * What one request came to. `violation` is an answer the policy does not accept (a bug in the target,
 * never worth a retry); `network` is no answer at all (refused, reset, timed out).
 */
export type Received<R extends RouteId> =
  | { kind: 'success'; status: number; body: SuccessBody<R>; raw: unknown; headers: Record<string, string> }
  | { kind: 'error'; status: number; body: ErrorEnvelope; raw: unknown; headers: Record<string, string> }
  | { kind: 'violation'; status: number; message: string; headers: Record<string, string> }
  | { kind: 'network'; message: string; timedOut: boolean };

/** How an answer's status, content type and text are read. */
export type Reading = { kind: 'success' | 'error'; body: unknown; raw: unknown } | { kind: 'violation'; message: string };

/** The seam for targets that are not this project's backend: how a route's answer is read and judged. */
export interface AnswerPolicy {
  read(route: RouteSpec, status: number, contentType: string, text: string): Reading;
}

const snippet = (text: string, n = 500) => (text.length > n ? `${text.slice(0, n)}…` : text);

/**
 * This project's contract: a status the route documents as a success is parsed with that status's
 * schema; every status from 400 up carries the one error envelope; any other status is a violation.
 */
export const contractPolicy: AnswerPolicy = {
  read(route, status, contentType, text) {
    const schema = (route.success as Record<number, z.ZodType>)[status];
    const json = parseJson(text);
    if (schema) {
      const value = text === '' ? null : contentType.includes('json') ? json : text;
      if (value === undefined) return { kind: 'violation', message: `${status} body is not JSON: ${snippet(text)}` };
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        return { kind: 'violation', message: `${status} body breaks the contract: ${issues}\nbody: ${snippet(text, 2000)}` };
      }
      return { kind: 'success', body: parsed.data, raw: value };
    }
    if (status >= 400) {
      if (json === undefined) return { kind: 'violation', message: `${status} error body is not JSON: ${snippet(text)}` };
      const parsed = ErrorEnvelope.safeParse(json);
      if (!parsed.success) return { kind: 'violation', message: `${status} error body is not the envelope: ${snippet(text)}` };
      return { kind: 'error', body: parsed.data, raw: json };
    }
    return { kind: 'violation', message: `undeclared status ${status}: ${snippet(text)}` };
  },
};

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface ClientOptions {
  /** The API's root: `http://host:8000`, or with the prefix (`…/api/v1`), possibly behind a proxy path. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per request, answer included; 0 means none. */
  timeoutMs?: number;
  /** Sent with every request (a bearer token, say); a request's own headers win. */
  headers?: Record<string, string>;
  policy?: AnswerPolicy;
}

export interface Client {
  /** The root every route path is appended to (without the API prefix). */
  readonly root: string;
  /** The route's path with its parameters filled in and encoded, e.g. `/api/v1/users/…`. */
  path(route: RouteId, params?: Record<string, string>): string;
  call<R extends RouteId>(route: R, input?: CallInput<R>): Promise<Received<R>>;
  /** The same request machinery with nothing checked on the way out. */
  send<R extends RouteId>(route: R, input?: RawInput): Promise<Received<R>>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Strings as they are; anything else as JSON (numbers and booleans come out as their usual text). */
export function encodeQuery(query: Record<string, unknown> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function fillPath(route: RouteId, params: Record<string, string> = {}): string {
  return routes[route].path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`${route}: missing path parameter ${k}`);
    return encodeURIComponent(v);
  });
}

/** One typed client over the contract's route table; every answer is read by the policy. */
export function createClient(opts: ClientOptions): Client {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const root = opts.baseUrl.replace(/\/+$/, '').replace(new RegExp(`${API_PREFIX}$`), '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy = opts.policy ?? contractPolicy;

  async function send<R extends RouteId>(route: R, input: RawInput = {}): Promise<Received<R>> {
    const spec = routes[route];
    const hasBody = input.rawBody !== undefined || input.body !== undefined;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
      ...(input.idempotencyKey !== undefined ? { 'idempotency-key': input.idempotencyKey } : {}),
      ...input.headers,
    };
    const url = `${root}${fillPath(route, input.params)}${encodeQuery(input.query)}`;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        method: spec.method,
        headers,
        ...(hasBody ? { body: input.rawBody ?? JSON.stringify(input.body) } : {}),
        ...(timeoutMs > 0 ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      });
      text = await res.text();
    } catch (err) {
      const timedOut = isTimeout(err);
      return { kind: 'network', timedOut, message: timedOut ? `no answer within ${timeoutMs} ms` : describeNetworkError(err) };
    }
    const answerHeaders = Object.fromEntries(res.headers.entries());
    const reading = policy.read(spec, res.status, res.headers.get('content-type') ?? '', text);
    if (reading.kind === 'violation') return { kind: 'violation', status: res.status, message: reading.message, headers: answerHeaders };
    if (reading.kind === 'success')
      return { kind: 'success', status: res.status, body: reading.body as SuccessBody<R>, raw: reading.raw, headers: answerHeaders };
    return { kind: 'error', status: res.status, body: reading.body as ErrorEnvelope, raw: reading.raw, headers: answerHeaders };
  }

  return {
    root,
    path: fillPath,
    send,
    call: (route, input = {}) => send(route, input as RawInput),
  };
}

function isTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === 'TimeoutError') return true;
  }
  return false;
}

function describeNetworkError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return `${e.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}
