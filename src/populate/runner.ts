import { ApiFailure, type Api } from './api.js';
import type { ContentSource } from './generate.js';
import type { Plan, PlannedItem } from './plan.js';
import type { Progress } from './progress.js';
import type { ReportBuilder } from './report.js';
import { createExistingIndex, ensureTopic, writeEntry, writeSession, type Retry, type WorkflowContext } from './workflows.js';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4_000 };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries what may succeed later (no answer, 5xx, 429, a key still in progress) with exponential
 * backoff. The caller builds the request, Idempotency-Key included, once outside `fn`, so every
 * attempt repeats the identical request and the server can answer a repeat with the first result.
 */
export function retrying(policy: RetryPolicy): Retry {
  const sleep = policy.sleep ?? realSleep;
  return async <T>(fn: (attempt: number) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (err) {
        if (!(err instanceof ApiFailure) || !err.retryable || attempt >= policy.attempts) throw err;
        const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        // Jitter spreads the retries of many workers that failed together.
        await sleep(delay / 2 + Math.random() * (delay / 2));
      }
    }
  };
}

/** Runs `work` over `items` with at most `limit` in flight; once `stopped()` no new item starts. */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  stopped: () => boolean,
  work: (item: T) => Promise<void>,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stopped()) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return next;
}

export interface RunDeps {
  api: Api;
  content: ContentSource;
  userId: string;
  concurrency: number;
  retry: RetryPolicy;
  progress: Progress;
  report: ReportBuilder;
  /** Aborted on Ctrl-C: in-flight items finish, nothing new starts. */
  signal?: AbortSignal;
}

const messagesOf = (item: PlannedItem) => (item.kind === 'session' ? 2 * item.turnTimes.length : 0);

export async function runPlan(plan: Plan, deps: RunDeps): Promise<void> {
  const retry = retrying(deps.retry);
  const ctx: WorkflowContext = {
    api: deps.api,
    userId: deps.userId,
    seed: plan.seed,
    content: deps.content,
    retry,
    existing: createExistingIndex(deps.api, deps.userId, retry),
  };
  const { report, progress } = deps;
  const stopped = () => deps.signal?.aborted === true;

  const topicIds = new Map<string, string>();
  const topicsDone = await forEachBounded(plan.topics, deps.concurrency, stopped, async (topic) => {
    const r = await ensureTopic(ctx, topic);
    if (r.id) topicIds.set(topic.name, r.id);
    report.record('topic', r.outcome, r.failure);
    progress.tick(`topic ${topic.name}: ${r.outcome}`, r.outcome !== 'failed');
  });
  for (const _ of plan.topics.slice(topicsDone)) report.record('topic', 'skipped');

  const done = new Set<PlannedItem>();
  await forEachBounded(plan.items, deps.concurrency, stopped, async (item) => {
    const r = item.kind === 'entry' ? await writeEntry(ctx, item, topicIds.get(item.topic)) : await writeSession(ctx, item);
    done.add(item);
    report.record(item.kind === 'entry' ? 'entry' : 'session', r.outcome, r.failure);
    if (item.kind === 'session') report.recordMessages(messagesOf(item), r.messagesOk ?? 0, true);
    if (r.fallbackReason !== undefined) report.recordFallback(item.id, r.fallbackReason);
    progress.tick(
      `${item.kind} ${item.id} (${item.language}${item.kind === 'session' ? `, ${item.sessionType}` : ''}): ${r.outcome}${r.failure ? ` - ${r.failure.reason}` : ''}`,
      r.outcome !== 'failed',
    );
  });

  const left = plan.items.filter((i) => !done.has(i));
  for (const item of left) {
    report.record(item.kind === 'entry' ? 'entry' : 'session', 'skipped');
    if (item.kind === 'session') report.recordMessages(messagesOf(item), 0, false);
  }
  if (stopped()) report.markInterrupted();
}
