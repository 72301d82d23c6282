import { mulberry32 } from '../src/domain/random.js';
import type { ApiClient } from './api.js';
import { type Attempt, History, type Op, type OpOutcome } from './history.js';

/**
 * Concurrent writers for fault schedules: each worker is one user writing chat turns into its own session
 * and journal entries, one operation at a time, every write with an Idempotency-Key. An operation is
 * retried with its key until it is acknowledged or definitely denied, as a careful client would; what
 * each attempt answered goes into the history for the checker.
 */
export interface LoadOptions {
  seed: number;
  /** Share of operations that are chat turns (the rest are entries). */
  turnShare?: number;
  /** Pause between attempts of one operation after a failure, doubled up to 8x. */
  backoffMs?: number;
}

const NOT_WRITTEN = /nothing was written/i;

/** ok, failed or unknown for one answer; undefined for an answer no fault excuses. */
export function classify(status: number | null, body: unknown, transportError?: string): { outcome: OpOutcome; why: string } | undefined {
  if (status === null) {
    // Refused: the request never reached a server, so nothing can have been written.
    if (transportError && /ECONNREFUSED/.test(transportError)) return { outcome: 'failed', why: transportError };
    return { outcome: 'unknown', why: transportError ?? 'no answer' };
  }
  if (status === 200 || status === 201) return { outcome: 'ok', why: String(status) };
  const env = (body ?? {}) as { error?: string; message?: string };
  if (status === 503 && env.error === 'database_unavailable')
    return NOT_WRITTEN.test(env.message ?? '') ? { outcome: 'failed', why: env.message! } : { outcome: 'unknown', why: env.message ?? '' };
  // Refused while the backend closed for a graceful restart: the request never ran.
  if (status === 503 && env.error === 'shutting_down') return { outcome: 'failed', why: env.message ?? 'shutting down' };
  // Two attempts of one key crossing (the first still running after a reset): the retry asks again.
  if (status === 409 && env.error === 'idempotency_conflict' && /in progress/.test(env.message ?? ''))
    return { outcome: 'unknown', why: 'in progress' };
  return undefined;
}

interface Worker {
  index: number;
  userId: string;
  sessionId?: string;
  seq: number;
  rng: () => number;
}

export class Load {
  readonly history = new History();
  private stopping = false;
  private running: Promise<void> | undefined;
  private readonly workers: Worker[];

  constructor(
    private readonly api: ApiClient,
    users: { id: string }[],
    private readonly opts: LoadOptions,
  ) {
    this.workers = users.map((u, index) => ({ index, userId: u.id, seq: 0, rng: mulberry32(opts.seed * 1_000 + index) }));
  }

  get users(): string[] {
    return this.workers.map((w) => w.userId);
  }

  acknowledged(): number {
    return this.history.ops.filter((o) => o.ack).length;
  }

  start(): this {
    this.running = Promise.all(this.workers.map((w) => this.work(w))).then(() => undefined);
    return this;
  }

  /** Workers finish the attempt they are in and stop; an unsettled operation is left to resolve(). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** After recovery: retries every unsettled operation with its key until it settles or the time is up. */
  async resolve(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const w of this.workers) {
      for (const op of this.history.ops.filter((o) => o.worker === w.index && !History.settled(o))) {
        while (!History.settled(op) && Date.now() < deadline) {
          await this.attempt(w, op);
          if (!History.settled(op)) await pause(this.opts.backoffMs ?? 50);
        }
      }
    }
  }

  private async work(w: Worker): Promise<void> {
    while (!this.stopping) {
      const kind = w.rng() < (this.opts.turnShare ?? 0.7) ? 'turn' : 'entry';
      const seq = w.seq++;
      const op = this.history.add({
        key: `fault-${this.opts.seed}-${w.index}-${seq}-${Math.floor(w.rng() * 1e9)}`,
        kind,
        worker: w.index,
        seq,
        text: `w${w.index} #${seq} ${kind} ${Math.floor(w.rng() * 1e9).toString(36)}`,
      });
      let backoff = this.opts.backoffMs ?? 50;
      for (;;) {
        await this.attempt(w, op);
        if (History.settled(op) || this.stopping) break;
        await pause(backoff);
        backoff = Math.min(backoff * 2, (this.opts.backoffMs ?? 50) * 8);
      }
      // An unresolved operation ends the worker's sequence: what it sends next must come after it.
      if (!History.settled(op)) return;
      // A denied write is not retried, but the next one waits as a retry would: no hammering an outage.
      if (!op.ack) await pause(backoff);
    }
  }

  private async attempt(w: Worker, op: Op): Promise<void> {
    const started = performance.now();
    const headers = { 'Idempotency-Key': op.key };
    let status: number | null = null;
    let body: unknown;
    let transport: string | undefined;
    let okBody: { id: string; sessionId?: string; userMessageId?: string } | undefined;
    try {
      if (op.kind === 'turn') {
        // The session is fixed when the operation is first sent, so every retry carries the same body.
        op.sessionId ??= w.sessionId;
        const sessionId = op.sessionId;
        const out = await this.api.call('chatMessage', {
          body: { user_id: w.userId, message: op.text, ...(sessionId && { session_id: sessionId }) },
          headers,
        });
        status = out.status;
        body = out.body;
        if (out.ok)
          okBody = { id: out.body.message_id, sessionId: out.body.session_id, userMessageId: out.body.processing_metadata.user_message_id };
      } else {
        const out = await this.api.call('createEntry', {
          body: { user_id: w.userId, title: `entry ${op.seq}`, content: op.text },
          headers,
        });
        status = out.status;
        body = out.body;
        if (out.ok) okBody = { id: out.body.id };
      }
    } catch (err) {
      const e = err as { code?: string; message?: string };
      // A body outside the contract is the API's fault, not the network's.
      if (e.constructor?.name === 'ContractViolation') body = { error: 'contract', message: e.message };
      else transport = `${e.code ?? ''} ${e.message ?? String(err)}`.trim();
    }
    const ms = Math.round(performance.now() - started);
    const c = transport !== undefined ? classify(null, undefined, transport) : classify(status, body);
    if (!c) {
      this.history.violations.push({ key: op.key, status, why: JSON.stringify(body).slice(0, 300) });
      // Recorded as unknown so the checker still judges what was stored.
      op.attempts.push({ outcome: 'unknown', status, why: 'violation', ms });
      return;
    }
    const a: Attempt = { ...c, status, ms };
    op.attempts.push(a);
    if (okBody) {
      op.ack = okBody;
      if (op.kind === 'turn') w.sessionId = okBody.sessionId;
    }
  }
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
