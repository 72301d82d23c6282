import type { ApiClient } from './api.js';

/**
 * A Jepsen-style history of writes made under faults, and the checker that judges it after recovery.
 *
 * Every attempt is recorded as ok (acknowledged), failed (the answer says nothing was written, or the
 * request never reached the server) or unknown (reset, timeout, an answer that admits it does not know).
 * An operation keeps one Idempotency-Key across its attempts, so an unknown outcome is resolved by
 * retrying: the stored answer comes back if it was written, else it is written now, once.
 */
export type OpOutcome = 'ok' | 'failed' | 'unknown';

export interface Attempt {
  outcome: OpOutcome;
  status: number | null;
  /** Error code, message or transport error: what made the outcome what it is. */
  why: string;
  ms: number;
}

export interface Op {
  key: string;
  kind: 'turn' | 'entry';
  worker: number;
  /** Position in the worker's sequence; a worker runs its operations one after the other. */
  seq: number;
  /** Unique text of this operation: the message of a turn, the content of an entry. */
  text: string;
  /** The session a turn was first sent to (fixed then, so every retry carries the same body). */
  sessionId?: string;
  attempts: Attempt[];
  /** The acknowledged result: message ids of a turn, the id of an entry. */
  ack?: { id: string; sessionId?: string; userMessageId?: string };
}

/** An answer no fault excuses: a 5xx other than 503, a 4xx, a body outside the contract. */
export interface Violation {
  key: string;
  status: number | null;
  why: string;
}

export class History {
  readonly ops: Op[] = [];
  readonly violations: Violation[] = [];

  add(op: Omit<Op, 'attempts'>): Op {
    const full = { ...op, attempts: [] };
    this.ops.push(full);
    return full;
  }

  count(outcome: OpOutcome): number {
    return this.ops.reduce((n, o) => n + o.attempts.filter((a) => a.outcome === outcome).length, 0);
  }

  /** An operation is settled when acknowledged, or when every attempt was a definite failure. */
  static settled(op: Op): boolean {
    return op.ack !== undefined || (op.attempts.length > 0 && op.attempts.every((a) => a.outcome === 'failed'));
  }

  /** Definitely not written: it never got an ok and every answer it got said nothing was written. */
  static denied(op: Op): boolean {
    return op.ack === undefined && op.attempts.length > 0 && op.attempts.every((a) => a.outcome === 'failed');
  }

  summary(): string {
    const acked = this.ops.filter((o) => o.ack).length;
    return `${this.ops.length} ops (${acked} acknowledged, ${this.ops.filter(History.denied).length} denied), attempts ok ${this.count('ok')} failed ${this.count('failed')} unknown ${this.count('unknown')}, violations ${this.violations.length}`;
  }
}

/** What a worker wrote, as the API reads it back after recovery. */
export interface Observed {
  worker: number;
  userId: string;
  /** Every session of the user, each message in sequence order. */
  sessions: { id: string; messageCount: number; messages: { id: string; role: string; content: string }[] }[];
  entries: { id: string; content: string }[];
}

export async function observe(api: ApiClient, worker: number, userId: string): Promise<Observed> {
  const convs = await api.ok('conversations', { query: { user_id: userId, limit: 200 } });
  const sessions = [];
  for (const c of convs.conversations) {
    const h = await api.ok('history', { params: { session_id: c.id }, query: { user_id: userId, limit: 1000 } });
    sessions.push({
      id: c.id,
      messageCount: h.message_count,
      messages: h.messages.map((m) => ({ id: m.id, role: m.role, content: m.content })),
    });
  }
  const entries = (await api.ok('listEntries', { query: { user_id: userId, limit: 1000 } })).map((e) => ({ id: e.id, content: e.content }));
  return { worker, userId, sessions, entries };
}

/**
 * The guarantees, as a list of broken ones (empty when the history is linearizable for these writes):
 * every acknowledged write is present exactly once and where it was acknowledged; nothing is present that
 * was never sent; within a session, turns are in the order they were acknowledged, each user turn followed
 * by its reply (nothing partial); nothing an answer denied was written.
 */
export function check(history: History, observed: Observed[]): string[] {
  const problems: string[] = history.violations.map((v) => `violation ${v.key}: ${v.status ?? 'no answer'} ${v.why}`);
  for (const o of history.ops) if (!History.settled(o)) problems.push(`${o.key} (worker ${o.worker} #${o.seq}) never resolved`);
  for (const seen of observed) {
    const ops = history.ops.filter((o) => o.worker === seen.worker);
    const byText = new Map(ops.map((o) => [o.text, o]));
    // Turns: every user message is one sent turn, followed by its reply.
    const turnsSeen = new Map<string, number>();
    for (const s of seen.sessions) {
      if (s.messageCount !== s.messages.length)
        problems.push(`session ${s.id}: message_count ${s.messageCount} but ${s.messages.length} messages`);
      const acked: Op[] = [];
      for (let i = 0; i < s.messages.length; i++) {
        const m = s.messages[i]!;
        if (m.role !== 'user') {
          if (i === 0 || s.messages[i - 1]!.role !== 'user')
            problems.push(`session ${s.id}: ${m.role} message ${m.id} without its user turn`);
          continue;
        }
        const op = byText.get(m.content);
        if (!op || op.kind !== 'turn') {
          problems.push(`session ${s.id}: message never sent: ${JSON.stringify(m.content.slice(0, 60))}`);
          continue;
        }
        turnsSeen.set(op.key, (turnsSeen.get(op.key) ?? 0) + 1);
        const reply = s.messages[i + 1];
        if (reply?.role !== 'assistant') problems.push(`${op.key}: user turn without its reply (partial write)`);
        if (op.ack) {
          if (op.ack.sessionId !== s.id) problems.push(`${op.key}: acknowledged in session ${op.ack.sessionId}, found in ${s.id}`);
          if (op.ack.userMessageId !== m.id || (reply && op.ack.id !== reply.id))
            problems.push(`${op.key}: stored ids differ from the acknowledged ones`);
          acked.push(op);
        }
      }
      for (let i = 1; i < acked.length; i++)
        if (acked[i]!.seq < acked[i - 1]!.seq)
          problems.push(`session ${s.id}: ${acked[i]!.key} stored after ${acked[i - 1]!.key} but sent before it`);
    }
    const entriesSeen = new Map<string, number>();
    for (const e of seen.entries) {
      const op = byText.get(e.content);
      if (!op || op.kind !== 'entry') {
        problems.push(`entry ${e.id} never sent: ${JSON.stringify(e.content.slice(0, 60))}`);
        continue;
      }
      entriesSeen.set(op.key, (entriesSeen.get(op.key) ?? 0) + 1);
      if (op.ack && op.ack.id !== e.id) problems.push(`${op.key}: entry stored as ${e.id}, acknowledged as ${op.ack.id}`);
    }
    for (const op of ops) {
      const n = (op.kind === 'turn' ? turnsSeen : entriesSeen).get(op.key) ?? 0;
      if (op.ack && n !== 1) problems.push(`${op.key}: acknowledged ${op.kind} present ${n} times`);
      if (History.denied(op) && n !== 0)
        problems.push(`${op.key}: written although every answer denied it (${op.attempts.map((a) => `${a.status}: ${a.why}`).join('; ')})`);
    }
  }
  return problems;
}
