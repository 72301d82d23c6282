import { afterEach, describe, expect, it, vi } from 'vitest';

// Retries and bounded concurrency, the runner's two mechanisms; the whole run is in populate*.test.ts.
import { ApiFailure } from './api.js';
import { DEFAULT_RETRY, forEachBounded, retrying } from './runner.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const server = (n: number) => new ApiFailure('server', 'createEntry', `503 #${n}`, 503);

describe('retrying', () => {
  it('has the documented default policy', () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 4, baseDelayMs: 250, maxDelayMs: 4_000 });
  });

  it('backs off exponentially, capped, with half-delay jitter, and passes the attempt number', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const sleeps: number[] = [];
    const attempts: number[] = [];
    const err = await retrying({ attempts: 5, baseDelayMs: 100, maxDelayMs: 300, sleep: async (ms) => void sleeps.push(ms) })(
      async (attempt) => {
        attempts.push(attempt);
        throw server(attempt);
      },
    ).catch((e: unknown) => e as Error);
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    // delays 100, 200, 300 (capped from 400), 300 (capped from 800); slept delay/2 + 0.5 * delay/2
    expect(sleeps).toEqual([75, 150, 225, 225]);
    expect(err.message).toBe('503 #5');
  });

  it('jitter spans delay/2 .. delay', async () => {
    const run = async (r: number) => {
      vi.spyOn(Math, 'random').mockReturnValue(r);
      const sleeps: number[] = [];
      await retrying({ attempts: 2, baseDelayMs: 400, maxDelayMs: 10_000, sleep: async (ms) => void sleeps.push(ms) })(async () => {
        throw server(0);
      }).catch(() => undefined);
      return sleeps;
    };
    expect(await run(0)).toEqual([200]);
    expect(await run(0.999)).toEqual([200 + 0.999 * 200]);
  });

  it('returns the first success and stops retrying', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const value = await retrying({ attempts: 4, baseDelayMs: 10, maxDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) })(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new ApiFailure('network', 'chatMessage', 'reset');
        return `ok@${attempt}`;
      },
    );
    expect([value, calls, sleeps.length]).toEqual(['ok@3', 3, 2]);
  });

  it('retries network, server, and retryable client failures; rethrows the rest at once', async () => {
    const calls = async (err: unknown, attempts = 3) => {
      let n = 0;
      const caught = await retrying({ attempts, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined })(async () => {
        n++;
        throw err;
      }).catch((e: unknown) => e);
      expect(caught).toBe(err);
      return n;
    };
    expect(await calls(new ApiFailure('network', 'getUser', 'x'))).toBe(3);
    expect(await calls(new ApiFailure('server', 'getUser', 'x', 500))).toBe(3);
    expect(await calls(new ApiFailure('client', 'getUser', '429', 429, 'rate_limited', true))).toBe(3);
    expect(await calls(new ApiFailure('client', 'getUser', '404', 404, 'not_found'))).toBe(1);
    expect(await calls(new ApiFailure('contract', 'getUser', 'drift', 200))).toBe(1);
    expect(await calls(new ApiFailure('server', 'getUser', 'x', 500, undefined, false))).toBe(1);
    expect(await calls(new Error('plain'))).toBe(1);
    expect(await calls(new ApiFailure('network', 'getUser', 'x'), 1)).toBe(1);
  });

  it('retryable defaults to network and server only', () => {
    expect(['network', 'server', 'client', 'contract'].map((k) => new ApiFailure(k as 'network', 'getUser', 'm').retryable)).toEqual([
      true,
      true,
      false,
      false,
    ]);
    const f = new ApiFailure('client', 'getUser', 'msg', 404, 'not_found');
    expect([f.name, f.message, f.status, f.code, f.route]).toEqual(['ApiFailure', 'msg', 404, 'not_found', 'getUser']);
  });

  it('uses a real timer sleep when none is given', async () => {
    vi.useFakeTimers();
    try {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      let calls = 0;
      const p = retrying({ attempts: 2, baseDelayMs: 1000, maxDelayMs: 1000 })(async () => {
        calls++;
        if (calls === 1) throw server(1);
        return 'done';
      });
      await vi.advanceTimersByTimeAsync(499);
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(await p).toBe('done');
      expect(calls).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('forEachBounded', () => {
  const tracked = async (n: number, limit: number, stopAfter = Infinity) => {
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    const release: (() => void)[] = [];
    const items = Array.from({ length: n }, (_, i) => i);
    const done = forEachBounded(
      items,
      limit,
      () => order.length >= stopAfter,
      async (i) => {
        order.push(i);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((r) => release.push(r));
        inFlight--;
      },
    );
    // Release in FIFO order until all settle.
    for (let guard = 0; guard < 1000; guard++) {
      await Promise.resolve();
      await Promise.resolve();
      const r = release.shift();
      if (r) r();
      else if (guard > 10 && release.length === 0) {
        const started = await Promise.race([done, new Promise<'pending'>((res) => setImmediate(() => res('pending')))]);
        if (started !== 'pending') return { started, peak, order };
      }
    }
    return { started: await done, peak, order };
  };

  it('starts items in order, never more than the limit, and returns how many started', async () => {
    expect(await tracked(5, 2)).toEqual({ started: 5, peak: 2, order: [0, 1, 2, 3, 4] });
    expect(await tracked(3, 8)).toEqual({ started: 3, peak: 3, order: [0, 1, 2] });
    expect(await tracked(4, 1)).toEqual({ started: 4, peak: 1, order: [0, 1, 2, 3] });
  });

  it('runs one worker even for a limit below one, and handles no items', async () => {
    expect(await tracked(3, 0)).toEqual({ started: 3, peak: 1, order: [0, 1, 2] });
    expect(
      await forEachBounded(
        [],
        4,
        () => false,
        async () => undefined,
      ),
    ).toBe(0);
  });

  it('starts nothing once stopped', async () => {
    expect(
      await forEachBounded(
        [1, 2, 3],
        2,
        () => true,
        async () => undefined,
      ),
    ).toBe(0);
    const r = await tracked(6, 1, 2);
    expect([r.started, r.order]).toEqual([2, [0, 1]]);
  });
});
