import { describe, expect, it } from 'vitest';
import type { ExitInfo } from './backend.js';
import { DEFAULT_POLICY, decide, policyFromEnv, type Supervised, supervise } from './supervise.js';

describe('decide', () => {
  const policy = { backoffMs: 100, maxBackoffMs: 1_000, maxCrashes: 3, windowMs: 10_000 };

  it('restarts with a doubling pause, capped, and gives up past the limit within the window', () => {
    const h: number[] = [];
    expect(decide(policy, h, 0)).toEqual({ action: 'restart', delayMs: 100, crashes: 1 });
    expect(decide(policy, h, 1)).toEqual({ action: 'restart', delayMs: 200, crashes: 2 });
    expect(decide(policy, h, 2)).toEqual({ action: 'restart', delayMs: 400, crashes: 3 });
    expect(decide(policy, h, 3)).toEqual({ action: 'give-up', crashes: 4 });
    expect(decide({ ...policy, maxCrashes: 10 }, [0, 1, 2, 3, 4], 5)).toEqual({ action: 'restart', delayMs: 1_000, crashes: 6 });
  });

  it('forgets crashes older than the window: an occasional crash is always restarted', () => {
    const h: number[] = [];
    for (let i = 0; i < 20; i++) expect(decide(policy, h, i * 10_000)).toEqual({ action: 'restart', delayMs: 100, crashes: 1 });
    expect(decide(policy, [0, 5_000], 10_000)).toEqual({ action: 'restart', delayMs: 200, crashes: 2 });
  });

  it('maxCrashes 0 never restarts', () => {
    expect(decide({ ...policy, maxCrashes: 0 }, [], 0)).toEqual({ action: 'give-up', crashes: 1 });
  });
});

describe('policyFromEnv', () => {
  it('defaults, every variable, and refusals', () => {
    expect(policyFromEnv({})).toEqual(DEFAULT_POLICY);
    expect(policyFromEnv({ JOURNAL_API_BACKOFF_MS: '50', JOURNAL_API_MAX_CRASHES: '2', JOURNAL_API_CRASH_WINDOW_MS: '1000' })).toEqual({
      backoffMs: 50,
      maxBackoffMs: 8_000,
      maxCrashes: 2,
      windowMs: 1_000,
    });
    expect(policyFromEnv({ JOURNAL_API_BACKOFF_MS: '20000' }).maxBackoffMs).toBe(20_000);
    expect(() => policyFromEnv({ JOURNAL_API_MAX_CRASHES: '-1' })).toThrow(/JOURNAL_API_MAX_CRASHES/);
    expect(() => policyFromEnv({ JOURNAL_API_CRASH_WINDOW_MS: '0' })).toThrow(/JOURNAL_API_CRASH_WINDOW_MS/);
  });
});

/** A backend whose crashes and restarts the test controls. */
function fakeBackend(failRestarts = 0) {
  let crash: (e: ExitInfo) => void = () => undefined;
  const b = {
    pid: 1,
    restarts: 0,
    exited: new Promise<ExitInfo>((r) => (crash = r)),
    crash: (e: ExitInfo) => crash(e),
    async restart() {
      b.restarts++;
      if (b.restarts <= failRestarts) throw new Error(`boot ${b.restarts} failed`);
      b.pid++;
      b.exited = new Promise<ExitInfo>((r) => (crash = r));
    },
  };
  return b as typeof b & Supervised;
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const until = async (f: () => boolean) => {
  for (let i = 0; i < 400 && !f(); i++) await tick();
  expect(f()).toBe(true);
};

describe('supervise', () => {
  it('restarts after each crash, then gives up on a crash loop with the crash count', async () => {
    const b = fakeBackend();
    const events: string[] = [];
    supervise(
      b,
      { backoffMs: 1, maxBackoffMs: 4, maxCrashes: 2, windowMs: 60_000 },
      {
        onCrash: (e, d) => events.push(`crash ${e.signal} ${d.action}`),
        onRestarted: (pid, n) => events.push(`up ${pid} after ${n}`),
        onGiveUp: (_e, n) => events.push(`give up after ${n}`),
      },
    );
    b.crash({ code: null, signal: 'SIGKILL' });
    await until(() => events.length === 2);
    b.crash({ code: 1, signal: null });
    await until(() => events.length === 4);
    b.crash({ code: null, signal: 'SIGSEGV' });
    await until(() => events.length === 6);
    expect(events).toEqual([
      'crash SIGKILL restart',
      'up 2 after 1',
      'crash null restart',
      'up 3 after 2',
      'crash SIGSEGV give-up',
      'give up after 3',
    ]);
  });

  it('a restart that fails to boot counts as another crash and is retried; the last error reaches onGiveUp', async () => {
    const b = fakeBackend(5);
    let gaveUp: unknown;
    let crashes = 0;
    supervise(
      b,
      { backoffMs: 1, maxBackoffMs: 2, maxCrashes: 3, windowMs: 60_000 },
      {
        onCrash: () => crashes++,
        onRestarted: () => undefined,
        onGiveUp: (_e, _n, err) => (gaveUp = err),
      },
    );
    b.crash({ code: null, signal: 'SIGKILL' });
    await until(() => gaveUp !== undefined);
    expect(crashes).toBe(4);
    expect(b.restarts).toBe(3);
    expect((gaveUp as Error).message).toBe('boot 3 failed');
  });

  it('stop() ends supervision: a deliberate shutdown is not restarted', async () => {
    const b = fakeBackend();
    let crashes = 0;
    const s = supervise(b, DEFAULT_POLICY, { onCrash: () => crashes++, onRestarted: () => undefined, onGiveUp: () => undefined });
    s.stop();
    b.crash({ code: 0, signal: null });
    await tick();
    await tick();
    expect(crashes).toBe(0);
    expect(b.restarts).toBe(0);
    expect(s.stopped).toBe(true);
  });
});
