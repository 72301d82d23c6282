import type { z } from 'zod';
import {
  type Received,
  type ClientOptions,
  type Client,
  contractPolicy,
  createClient,
  type RawInput,
  type SuccessBody,
} from '../src/contract/client.js';
import type { ErrorEnvelope } from '../src/contract/errors.js';
import { routes, type RouteId, type RouteSpec } from '../src/contract/routes.js';
import { readBehaviour } from './deployment/behaviour-answers.js';
import { withExplicitDefaults } from './deployment/explicit-defaults.js';
import type { Conformance } from './env.js';
import type { TargetDocument } from './deployment/target-document.js';
import { capturing, exchangeTag, sourceOf, tagSource } from './deployment/wire.js';

export type { RawInput, SuccessBody };

type Spec<R extends RouteId> = (typeof routes)[R];
type InOf<T> = T extends z.ZodType ? z.input<T> : never;

/** Looser than the client's own input: tests may add query keys and leave out what the schema requires. */
export interface TestInput<R extends RouteId> {
  params?: Record<string, string>;
  query?: Spec<R> extends { querystring: z.ZodType }
    ? Partial<Record<keyof InOf<Spec<R>['querystring']>, unknown>> & Record<string, unknown>
    : Record<string, unknown>;
  body?: Spec<R> extends { body: z.ZodType } ? InOf<Spec<R>['body']> : unknown;
  headers?: Record<string, string>;
  idempotencyKey?: string;
}

export type Reply<R extends RouteId> =
  | { ok: true; status: number; body: SuccessBody<R>; headers: Record<string, string> }
  | { ok: false; status: number; body: ErrorEnvelope; headers: Record<string, string> };

export class ContractViolation extends Error {}

/**
 * The one way tests talk to the API: the contract client, stricter. Every response is parsed with the
 * contract schema of its route and status (an error status with the one envelope), a field the contract
 * does not describe is drift, and a 5xx other than 503 is a bug: each fails the test that saw it.
 */
export interface ApiClientOptions extends Omit<ClientOptions, 'baseUrl' | 'policy'> {
  /** strict (default): this project's contract. behaviour: the target's own document and a tolerant error reader. */
  conformance?: Conformance;
  /** The target's OpenAPI document, for the behaviour level. */
  document?: TargetDocument | null;
}

/** Statuses that mean the same to the behaviour level: bad input is bad input, 400 or 422. */
const SAME_MEANING: Record<number, number[]> = { 400: [400, 422], 422: [400, 422] };

export class ApiClient {
  private readonly client: Client;
  readonly conformance: Conformance;
  private readonly document: TargetDocument | null;

  constructor(baseUrl: string, opts: ApiClientOptions = {}) {
    const { conformance = 'strict', document = null, ...rest } = opts;
    this.conformance = conformance;
    this.document = document;
    this.client = createClient({
      ...rest,
      baseUrl,
      ...(conformance === 'behaviour' && { policy: { read: (route, ...a) => readBehaviour(document, route, ...a) } }),
    });
  }

  /**
   * Whether the target has this route at all: always under the strict contract; at the behaviour level,
   * unless its own document leaves the route out (the original service has no user or export routes).
   */
  offers(route: RouteId): boolean {
    const spec = routes[route];
    return this.conformance === 'strict' || !this.document || this.document.operation(spec.method, spec.path) !== undefined;
  }

  /**
   * Whether the target must reject this value of this input field. Under the strict contract: always (the
   * caller sends what our contract forbids). At the behaviour level only where the target's own document
   * declares the field and its schema forbids the value too; a field it does not declare is ignored by it,
   * and a value its contract allows is not bad input there (only "never a 5xx" still holds).
   */
  mustReject(route: RouteId, where: 'params' | 'query' | 'body', field: string, value: unknown): boolean {
    if (this.conformance === 'strict') return true;
    const spec = routes[route];
    const op = this.document?.operation(spec.method, spec.path);
    if (!op) return true;
    const schema = this.document!.inputField(op, where, field);
    if (schema === undefined) return false;
    if (schema === null) return true;
    const candidates = [value];
    // Query and path values travel as text; the target reads numbers and booleans out of it.
    if (where !== 'body' && typeof value === 'string') {
      if (value.trim() !== '' && !Number.isNaN(Number(value))) candidates.push(Number(value));
      if (value === 'true' || value === 'false') candidates.push(value === 'true');
    }
    return !candidates.some((v) => schema.accepts(v));
  }

  /**
   * Whether the target takes this input field at all: always under the strict contract; at the behaviour
   * level unless its own document leaves the field out (a field it does not declare is ignored by it).
   */
  declares(route: RouteId, where: 'params' | 'query' | 'body', field: string): boolean {
    if (this.conformance === 'strict') return true;
    const spec = routes[route];
    const op = this.document?.operation(spec.method, spec.path);
    return !op || this.document!.inputField(op, where, field) !== undefined;
  }

  path(route: RouteId, params: Record<string, string> = {}): string {
    return this.client.path(route, params);
  }

  /** A request typed by its route's schemas; `raw` sends what the schemas forbid. */
  call<R extends RouteId>(route: R, input: TestInput<R> = {}): Promise<Reply<R>> {
    return this.raw(route, input as RawInput);
  }

  /** Anything at all (hostile input, wrong types), judged like every answer. */
  async raw<R extends RouteId>(route: R, input: RawInput = {}): Promise<Reply<R>> {
    const sent =
      this.conformance === 'behaviour' && input.body !== undefined
        ? { ...input, body: withExplicitDefaults((routes[route] as RouteSpec).body, input.body) }
        : input;
    // The exchange this request came to (its last attempt): named by every failure about its answer.
    const { value: answer, ids } = await capturing(() => this.client.send(route, sent as RawInput));
    const id = ids.at(-1);
    // Only a failure names (and so keeps) its exchange.
    const tag = () => (id === undefined ? '' : ` ${exchangeTag(id)}`);
    if (answer.kind === 'network') throw new Error(`${route}: no answer: ${answer.message}${tag()}`);
    let reply: Reply<R>;
    if (this.conformance === 'behaviour') {
      if (answer.kind === 'violation') throw new ContractViolation(`${route}${tag()} ${answer.message}`);
      reply = { ok: answer.kind === 'success', status: answer.status, body: answer.body, headers: answer.headers } as Reply<R>;
    } else {
      try {
        reply = strict(route, answer);
      } catch (err) {
        if (err instanceof ContractViolation) err.message = err.message.replace(route, `${route}${tag()}`);
        throw err;
      }
    }
    tagSource(reply, id);
    tagSource(reply.body, id);
    return reply;
  }

  /** A success of this route, typed; anything else fails with the response in the message. */
  async ok<R extends RouteId>(route: R, input: TestInput<R> = {}, status?: number): Promise<SuccessBody<R>> {
    const out = await this.call(route, input);
    // The behaviour level takes any success the target declares (a create answering 200 is its contract).
    if (!out.ok || (status !== undefined && this.conformance === 'strict' && out.status !== status)) {
      throw new Error(`${route} expected ${status ?? 'success'}, got ${out.status}${named(out)}: ${JSON.stringify(out.body)}`);
    }
    return out.body;
  }

  /** An error of this route with the given status, its envelope parsed. */
  async fail<R extends RouteId>(route: R, input: TestInput<R>, status: number): Promise<ErrorEnvelope> {
    return this.failRaw(route, input as RawInput, status);
  }

  /** `fail` for input the schemas forbid. */
  async failRaw<R extends RouteId>(route: R, input: RawInput, status: number): Promise<ErrorEnvelope> {
    const out = await this.raw(route, input);
    const accepted = this.conformance === 'behaviour' ? (SAME_MEANING[status] ?? [status]) : [status];
    if (out.ok || !accepted.includes(out.status))
      throw new Error(`${route} expected ${status}, got ${out.status}${named(out)}: ${JSON.stringify(out.body)}`);
    return out.body;
  }
}

/** ` [exchange #n: …]` for an answer the client returned, so a failure about it names its exchange. */
function named(reply: unknown): string {
  const id = sourceOf(reply);
  return id === undefined ? '' : ` ${exchangeTag(id)}`;
}

/** One answer judged as the suite judges every answer (for code that got the response some other way). */
export function parseReply<R extends RouteId>(
  route: R,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string>,
): Reply<R> {
  const reading = contractPolicy.read(routes[route], status, contentType, text);
  const answer: Received<R> =
    reading.kind === 'violation'
      ? { kind: 'violation', status, message: reading.message, headers }
      : reading.kind === 'success'
        ? { kind: 'success', status, body: reading.body as SuccessBody<R>, raw: reading.raw, headers }
        : { kind: 'error', status, body: reading.body as ErrorEnvelope, raw: reading.raw, headers };
  return strict(route, answer);
}

function strict<R extends RouteId>(route: R, answer: Exclude<Received<R>, { kind: 'network' }>): Reply<R> {
  const { status, headers } = answer;
  if (answer.kind === 'violation') throw new ContractViolation(`${route} ${answer.message}`);
  if (answer.kind === 'success') {
    const extra = undocumentedKeys(answer.raw, answer.body);
    if (extra.length)
      throw new ContractViolation(`${route} ${status}: response has fields the contract does not describe: ${extra.join(', ')}`);
    return { ok: true, status, body: answer.body, headers };
  }
  if (status >= 500 && status !== 503) throw new ContractViolation(`${route} answered ${status}: ${JSON.stringify(answer.body)}`);
  return { ok: false, status, body: answer.body, headers };
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
