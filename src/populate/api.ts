import { type CallInput, createClient, type SuccessBody } from '../contract/client.js';
import { API_PREFIX, routes, type RouteId } from '../contract/index.js';

export type { CallInput, SuccessBody };

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

/** The population's view of the API: a success, or an ApiFailure saying what kind of failure it was. */
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

export function createApi(opts: ApiOptions): Api {
  const client = createClient(opts);
  return {
    baseUrl: `${client.root}${API_PREFIX}`,
    async call(route, input = {}) {
      const where = `${routes[route].method} ${routes[route].path}`;
      const a = await client.call(route, input);
      switch (a.kind) {
        case 'success':
          return { status: a.status, body: a.body };
        case 'network':
          throw new ApiFailure('network', route, `${where}: ${a.message}`);
        case 'violation':
          // A 5xx is the server's trouble and a 4xx the request's, whatever the body; an off-contract success is a bug.
          throw new ApiFailure(kindOf(a.status) ?? 'contract', route, `${where} answered ${a.message}`, a.status);
        case 'error': {
          const e = a.body;
          const detail = e.details.map((d) => `${d.path}: ${d.message}`).join('; ');
          const message = `${where} answered ${a.status} ${e.error}: ${e.message}${detail ? ` (${detail})` : ''}`;
          const kind = kindOf(a.status) ?? 'contract';
          // A key whose first request is still running is answered 409 "in progress": the answer will exist soon.
          const inProgress = a.status === 409 && e.error === 'idempotency_conflict' && e.details.some((d) => d.message === 'in progress');
          throw new ApiFailure(kind, route, message, a.status, e.error, kind === 'server' || a.status === 429 || inProgress);
        }
      }
    },
  };
}

const kindOf = (status: number): FailureKind | undefined => (status >= 500 ? 'server' : status >= 400 ? 'client' : undefined);
