import type { ExitInfo } from './backend.js';
import { delay } from './poll.js';

export interface RestartPolicy {
  /** First pause before a restart, doubled after each crash in the window (default 250 ms). */
  backoffMs: number;
  maxBackoffMs: number;
  /** More than this many crashes within windowMs is a crash loop: give up (default 5 in 60 s). */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_POLICY: RestartPolicy = { backoffMs: 250, maxBackoffMs: 8_000, maxCrashes: 5, windowMs: 60_000 };

export type CrashDecision = { action: 'restart'; delayMs: number; crashes: number } | { action: 'give-up'; crashes: number };

/**
 * Pure: what to do after a crash at `now`, given the earlier crash times (kept in `history`, which this
 * updates). Crashes older than the window are forgotten, so a server that crashes once a day is always
 * restarted, and one that cannot stay up is not restarted forever.
 */
export function decide(policy: RestartPolicy, history: number[], now: number): CrashDecision {
  history.push(now);
  while (history.length > 0 && history[0]! <= now - policy.windowMs) history.shift();
  const crashes = history.length;
  if (crashes > policy.maxCrashes) return { action: 'give-up', crashes };
  return { action: 'restart', delayMs: Math.min(policy.backoffMs * 2 ** (crashes - 1), policy.maxBackoffMs), crashes };
}

/** The npm start policy from its environment: JOURNAL_API_BACKOFF_MS, JOURNAL_API_MAX_CRASHES, JOURNAL_API_CRASH_WINDOW_MS. */
export function policyFromEnv(env: NodeJS.ProcessEnv): RestartPolicy {
  const n = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
    return v;
  };
  const backoffMs = n('JOURNAL_API_BACKOFF_MS', DEFAULT_POLICY.backoffMs, 0);
  return {
    backoffMs,
    maxBackoffMs: Math.max(backoffMs, DEFAULT_POLICY.maxBackoffMs),
    maxCrashes: n('JOURNAL_API_MAX_CRASHES', DEFAULT_POLICY.maxCrashes, 0),
    windowMs: n('JOURNAL_API_CRASH_WINDOW_MS', DEFAULT_POLICY.windowMs, 1),
  };
}

/** What the supervisor drives: a backend that can be watched and started again (BackendProcess). */
export interface Supervised {
  readonly exited: Promise<ExitInfo>;
  readonly pid: number;
  restart(mode: 'kill'): Promise<void>;
}

export interface SuperviseHooks {
  onCrash(exit: ExitInfo, decision: CrashDecision): void;
  onRestarted(pid: number, crashes: number): void;
  /** A crash loop: the supervisor stops; the caller shuts the rest down. */
  onGiveUp(exit: ExitInfo, crashes: number, lastError?: unknown): void;
}

/**
 * Keeps a backend running: after every unexpected exit it is started again (same port, so its URL holds)
 * after a growing pause, until crashes come faster than the policy allows. A restart that fails to boot
 * counts as another crash. stop() ends supervision before a deliberate shutdown.
 */
export function supervise(backend: Supervised, policy: RestartPolicy, hooks: SuperviseHooks, now: () => number = Date.now) {
  let stopped = false;
  const crashes: number[] = [];
  const watch = (exited: Promise<ExitInfo>) => {
    void exited.then(async (exit) => {
      let last: ExitInfo = exit;
      let lastError: unknown;
      for (;;) {
        if (stopped) return;
        const decision = decide(policy, crashes, now());
        hooks.onCrash(last, decision);
        if (decision.action === 'give-up') {
          stopped = true;
          hooks.onGiveUp(last, decision.crashes, lastError);
          return;
        }
        await delay(decision.delayMs).promise;
        if (stopped) return;
        try {
          await backend.restart('kill');
          hooks.onRestarted(backend.pid, decision.crashes);
          watch(backend.exited);
          return;
        } catch (err) {
          lastError = err;
          last = { code: null, signal: null };
        }
      }
    });
  };
  watch(backend.exited);
  return {
    stop() {
      stopped = true;
    },
    get stopped() {
      return stopped;
    },
  };
}
