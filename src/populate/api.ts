import type { z } from 'zod';
import { API_PREFIX, ErrorEnvelope, routes, type RouteId } from '../contract/index.js';

type Spec<R extends RouteId> = (typeof routes)[R];
type SuccessSchemas<R extends RouteId> = Spec<R>['success'][keyof Spec<R>['success']];
export type SuccessBody<R extends RouteId> = SuccessSchemas<R> extends z.ZodType ? z.output<SuccessSchemas<R>> : never;
type BodyOf<R extends RouteId> = Spec<R> extends { body: z.ZodType } ? z.input<Spec<R>['body']> : never;

export interface CallInput<R extends RouteId> {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: BodyOf<R>;
  headers?: Record<string, string>;
}

export interface CallResult<R extends RouteId> {
  status: number;
  body: SuccessBody<R>;
}

/**
 * network: no HTTP answer (refused, reset, timed out); client: a 4xx with the error envelope;
 * server: a 5xx; contract: an answer that does not match the contract (a bug, never retried).
 */
export type FailureKind = 'network' | 'client' | 'server' | 'contract';

export class ApiFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly route: RouteId,
    message: string,
    readonly status?: number,
    readonly code?: string,
    /** Worth another attempt with the same Idempotency-Key. */
    readonly retryable = kind === 'network' || kind === 'server',
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export interface Api {
  readonly baseUrl: string;
  call<R extends RouteId>(route: R, input?: CallInput<R>): Promise<CallResult<R>>;
}

export interface ApiOptions {
  /** e.g. http://localhost:8000/api/v1 */
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function createApi(opts: ApiOptions): Api {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  function url<R extends RouteId>(route: R, input: CallInput<R>): string {
    // Route paths carry the /api/v1 prefix; the base already ends with it (possibly behind a proxy path).
    const path = routes[route].path.slice(API_PREFIX.length).replace(/\{(\w+)\}/g, (_, k: string) => {
      const v = input.params?.[k];
      if (v === undefined) throw new Error(`${route}: missing path parameter ${k}`);
      return encodeURIComponent(v);
    });
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${base}${path}${qs ? `?${qs}` : ''}`;
  }

  async function call<R extends RouteId>(route: R, input: CallInput<R> = {}): Promise<CallResult<R>> {
    const spec = routes[route];
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url(route, input), {
        method: spec.method,
        headers: {
          accept: 'application/json',
          ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...input.headers,
        },
        ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new ApiFailure('network', route, `${spec.method} ${spec.path}: ${describeNetworkError(err, timeoutMs)}`);
    }
    return interpret(route, res.status, text);
  }

  return { baseUrl: base, call };
}

function interpret<R extends RouteId>(route: R, status: number, text: string): CallResult<R> {
  const spec = routes[route];
  const where = `${spec.method} ${spec.path}`;
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const schema = (spec.success as Record<number, z.ZodType>)[status];
  if (schema) {
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new ApiFailure(
        'contract',
        route,
        `${where} answered ${status} with a body that breaks the contract: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
        status,
      );
    return { status, body: parsed.data as SuccessBody<R> };
  }
  const envelope = ErrorEnvelope.safeParse(json);
  const kind: FailureKind = status >= 500 ? 'server' : status >= 400 ? 'client' : 'contract';
  if (!envelope.success) {
    const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    return fail(new ApiFailure(kind, route, `${where} answered ${status} without the error envelope: ${snippet}`, status));
  }
  const e = envelope.data;
  const detail = e.details.map((d) => `${d.path}: ${d.message}`).join('; ');
  const message = `${where} answered ${status} ${e.error}: ${e.message}${detail ? ` (${detail})` : ''}`;
  // A key whose first request is still running is answered 409 "in progress": the answer will exist soon.
  const inProgress = status === 409 && e.error === 'idempotency_conflict' && e.details.some((d) => d.message === 'in progress');
  return fail(new ApiFailure(kind, route, message, status, e.error, kind === 'server' || status === 429 || inProgress));
}

function fail(err: ApiFailure): never {
  throw err;
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  }
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return `${e.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}
