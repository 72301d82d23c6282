import type { Entry, HistoryResponse } from '../contract/index.js';
import { ApiFailure, type Api } from './api.js';
import type { ContentSource, Generated } from './generate.js';
import { idempotencyKey } from './keys.js';
import type { PlannedEntry, PlannedSession } from './plan.js';
import type { Failure, ItemOutcome } from './report.js';
import type { TopicSpec } from './themes.js';

/** Runs one request with the runner's retry policy; `attempt` starts at 1. */
export type Retry = <T>(fn: (attempt: number) => Promise<T>) => Promise<T>;

export interface WorkflowContext {
  api: Api;
  userId: string;
  seed: number;
  content: ContentSource;
  retry: Retry;
  existing: ExistingIndex;
}

export interface ItemResult {
  outcome: Exclude<ItemOutcome, 'skipped'>;
  failure?: Omit<Failure, 'subject'>;
  fallbackReason?: string;
  /** Chat rows read back in order (sessions only). */
  messagesOk?: number;
}

function failure(item: string, err: unknown): Omit<Failure, 'subject'> {
  if (err instanceof ApiFailure)
    return {
      item,
      kind: err.kind,
      reason: err.message,
      ...(err.status ? { status: err.status } : {}),
      ...(err.code ? { code: err.code } : {}),
    };
  return { item, kind: 'contract', reason: err instanceof Error ? err.message : String(err) };
}

const verification = (item: string, reason: string): Omit<Failure, 'subject'> => ({ item, kind: 'verification', reason });

export interface TopicResult {
  ids: Map<string, string>;
  results: { name: string; outcome: 'created' | 'existing' | 'failed'; failure?: Omit<Failure, 'subject'> }[];
}

/** Topics are idempotent per (user, name) on the server: 201 made it, 200 found the one from before. */
export async function ensureTopic(ctx: WorkflowContext, topic: TopicSpec): Promise<TopicResult['results'][number] & { id?: string }> {
  try {
    const res = await ctx.retry(() =>
      ctx.api.call('createTopic', {
        body: {
          user_id: ctx.userId,
          name: topic.name,
          description: topic.description,
          color: topic.color,
          tags: [topic.language, topic.category],
        },
      }),
    );
    if (res.body.user_id !== ctx.userId || res.body.name !== topic.name) {
      return {
        name: topic.name,
        outcome: 'failed',
        failure: verification(topic.name, `the API answered with topic "${res.body.name}" of user ${res.body.user_id}`),
      };
    }
    return { name: topic.name, outcome: res.status === 201 ? 'created' : 'existing', id: res.body.id };
  } catch (err) {
    return { name: topic.name, outcome: 'failed', failure: failure(topic.name, err) };
  }
}

const sameInstant = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();

function entryMismatch(
  got: Entry,
  want: { user_id: string; title: string; content: string; topic_id: string; created_at: string },
): string | undefined {
  if (got.user_id !== want.user_id) return `stored under user ${got.user_id}`;
  if (got.title !== want.title || got.content !== want.content) return 'title or content differ from what was sent';
  if (got.topic_id !== want.topic_id) return `linked to topic ${got.topic_id ?? 'none'} instead of ${want.topic_id}`;
  if (!sameInstant(got.created_at, want.created_at)) return `created_at ${got.created_at} instead of ${want.created_at}`;
  return undefined;
}

/**
 * An entry counts once it reads back as sent. One from an earlier run (same title and content under
 * its topic, written on another day with other keys) is found and reused rather than written twice; a
 * retry of our own write sends the same Idempotency-Key and is answered with the entry it made.
 */
export async function writeEntry(ctx: WorkflowContext, item: PlannedEntry, topicId: string | undefined): Promise<ItemResult> {
  if (!topicId)
    return { outcome: 'failed', failure: { item: item.id, kind: 'dependency', reason: `its topic "${item.topic}" could not be created` } };
  const generated = await ctx.content.entry(item);
  const base = fallbackOf(generated);
  const { title, content } = generated.value;
  const body = { user_id: ctx.userId, title, content, entry_type: 'journal' as const, topic_id: topicId, tags: [], created_at: item.at };
  try {
    const found = await ctx.existing.claimEntry(topicId, title, content);
    if (found) {
      const reason = entryMismatch(found, { ...body, created_at: found.created_at });
      return reason ? { ...base, outcome: 'failed', failure: verification(item.id, reason) } : { ...base, outcome: 'existing' };
    }
    const key = idempotencyKey(ctx.seed, item.id, 'entry', body);
    const created = (await ctx.retry(() => ctx.api.call('createEntry', { body, idempotencyKey: key }))).body;
    // Ours now: an identical planned item must write its own entry, not claim this one.
    ctx.existing.own('entry', created.id);
    const read = await ctx.retry(() => ctx.api.call('getEntry', { params: { id: created.id }, query: { user_id: ctx.userId } }));
    const reason = entryMismatch(read.body, body);
    return reason
      ? { ...base, outcome: 'failed', failure: verification(item.id, `read back: ${reason}`) }
      : { ...base, outcome: 'created' };
  } catch (err) {
    return { ...base, outcome: 'failed', failure: failure(item.id, err) };
  }
}

function fallbackOf(g: Generated<unknown>): Pick<ItemResult, 'fallbackReason'> {
  return g.fallbackReason === undefined ? {} : { fallbackReason: g.fallbackReason };
}

/** How many rows of `history` are our turns in order, each followed by an assistant reply. */
export function persistedInOrder(history: HistoryResponse['messages'], turns: readonly string[]): number {
  let ok = 0;
  for (let i = 0; i < turns.length; i++) {
    const user = history[2 * i];
    const reply = history[2 * i + 1];
    if (user?.role !== 'user' || user.content !== turns[i] || reply?.role !== 'assistant' || reply.content.trim() === '') break;
    ok += 2;
  }
  return ok;
}

/**
 * One POST /chat/message per user turn, continuing the session the first reply names. The session
 * counts only if every turn was acknowledged AND the history read back holds exactly our turns, each
 * answered, in order (the original counted sessions whose every message had failed).
 */
export async function writeSession(ctx: WorkflowContext, item: PlannedSession): Promise<ItemResult> {
  const generated = await ctx.content.session(item);
  const base = fallbackOf(generated);
  const turns = generated.value.turns;
  const planned = 2 * turns.length;
  try {
    if (await ctx.existing.claimSession(item, turns)) return { ...base, outcome: 'existing', messagesOk: planned };
  } catch (err) {
    return { ...base, outcome: 'failed', failure: failure(item.id, err), messagesOk: 0 };
  }

  let sessionId: string | undefined;
  let problem: Omit<Failure, 'subject'> | undefined;
  for (let k = 0; k < turns.length && !problem; k++) {
    const body = {
      user_id: ctx.userId,
      ...(sessionId ? { session_id: sessionId } : {}),
      message: turns[k]!,
      conversation_mode: item.conversationMode,
      session_type: item.sessionType,
      context_metadata: { theme: item.theme, language: item.language, timestamp: item.turnTimes[k]! },
    };
    const key = idempotencyKey(ctx.seed, item.id, `turn${k + 1}`, body);
    try {
      const res = await ctx.retry(() => ctx.api.call('chatMessage', { body, idempotencyKey: key }));
      const meta = res.body.processing_metadata;
      if (sessionId && res.body.session_id !== sessionId)
        problem = verification(item.id, `turn ${k + 1} landed in session ${res.body.session_id}, not ${sessionId}`);
      else if (meta.session_type !== item.sessionType)
        problem = verification(item.id, `stored as ${meta.session_type}, planned ${item.sessionType}`);
      if (!sessionId) {
        sessionId = res.body.session_id;
        // Ours from the first answer on, before the turn that completes it is sent (every planned session
        // has at least two turns), so an identical planned item can never find it complete and claim it.
        ctx.existing.own('session', sessionId);
      }
    } catch (err) {
      const f = failure(item.id, err);
      problem = { ...f, reason: `turn ${k + 1}/${turns.length}: ${f.reason}` };
    }
  }
  if (!sessionId) return { ...base, outcome: 'failed', failure: problem!, messagesOk: 0 };

  try {
    const history = await ctx.retry(() =>
      ctx.api.call('history', {
        params: { session_id: sessionId! },
        query: { user_id: ctx.userId, limit: Math.min(1000, Math.max(50, planned + 10)) },
      }),
    );
    const ok = persistedInOrder(history.body.messages, turns);
    if (problem) return { ...base, outcome: 'failed', failure: problem, messagesOk: ok };
    if (ok !== planned || history.body.messages.length !== planned) {
      return {
        ...base,
        outcome: 'failed',
        messagesOk: ok,
        failure: verification(
          item.id,
          `history of ${sessionId} holds ${history.body.messages.length} messages, ${ok} of the ${planned} expected in order`,
        ),
      };
    }
    return { ...base, outcome: 'created', messagesOk: ok };
  } catch (err) {
    return { ...base, outcome: 'failed', failure: problem ?? failure(item.id, err), messagesOk: 0 };
  }
}

/**
 * What an earlier run with the same seed already wrote, found by content: re-running a plan must not
 * write it again even on another day, when timestamps (and so idempotency keys) have moved on.
 */
export interface ExistingIndex {
  /** An entry of this topic with exactly this title and content not yet claimed by another item. */
  claimEntry(topicId: string, title: string, content: string): Promise<Entry | undefined>;
  /** True when a complete session with exactly these user turns exists (and is now claimed). */
  claimSession(item: PlannedSession, turns: readonly string[]): Promise<boolean>;
  /** Marks what this run wrote as claimed: it answers its own planned item only. */
  own(kind: 'entry' | 'session', id: string): void;
}

const PAGE = 1000;

export function createExistingIndex(api: Api, userId: string, retry: Retry): ExistingIndex {
  const byTopic = new Map<string, Promise<Map<string, Entry[]>>>();
  const claimedEntries = new Set<string>();
  const claimedSessions = new Set<string>();

  async function loadTopic(topicId: string): Promise<Map<string, Entry[]>> {
    const index = new Map<string, Entry[]>();
    for (let skip = 0; ; skip += PAGE) {
      const page = (await retry(() => api.call('listEntries', { query: { user_id: userId, topic_id: topicId, skip, limit: PAGE } }))).body;
      for (const e of page) {
        const k = `${e.title}\u0000${e.content}`;
        index.set(k, [...(index.get(k) ?? []), e]);
      }
      if (page.length < PAGE) return index;
    }
  }

  return {
    async claimEntry(topicId, title, content) {
      let pending = byTopic.get(topicId);
      if (!pending) {
        pending = loadTopic(topicId);
        byTopic.set(topicId, pending);
        // A failed listing must not poison later lookups of the same topic.
        pending.catch(() => byTopic.delete(topicId));
      }
      const found = (await pending).get(`${title}\u0000${content}`)?.find((e) => !claimedEntries.has(e.id));
      if (found) claimedEntries.add(found.id);
      return found;
    },
    async claimSession(item, turns) {
      const sessions = (
        await retry(() =>
          api.call('listSessions', { query: { user_id: userId, theme: item.theme, session_type: item.sessionType, limit: 100 } }),
        )
      ).body;
      for (const s of sessions) {
        if (claimedSessions.has(s.id) || s.message_count !== 2 * turns.length) continue;
        const history = await retry(() =>
          api.call('history', { params: { session_id: s.id }, query: { user_id: userId, limit: Math.max(50, 2 * turns.length) } }),
        );
        if (claimedSessions.has(s.id) || persistedInOrder(history.body.messages, turns) !== 2 * turns.length) continue;
        claimedSessions.add(s.id);
        return true;
      }
      return false;
    },
    own(kind, id) {
      (kind === 'entry' ? claimedEntries : claimedSessions).add(id);
    },
  };
}
