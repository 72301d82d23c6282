import { describe, expect, it } from 'vitest';
import { BreakerOpenError, CircuitBreaker } from './breaker.js';

function setup(failureThreshold = 2, cooldownMs = 1_000) {
  let t = 0;
  const breaker = new CircuitBreaker({ failureThreshold, cooldownMs, now: () => t });
  return { breaker, advance: (ms: number) => void (t += ms) };
}
const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and then rejects without calling', async () => {
    const { breaker } = setup(2);
    await expect(breaker.run(boom)).rejects.toThrow('boom');
    expect(breaker.state()).toBe('closed');
    await expect(breaker.run(boom)).rejects.toThrow('boom');
    expect(breaker.state()).toBe('open');

    let called = false;
    await expect(
      breaker.run(() => {
        called = true;
        return ok();
      }),
    ).rejects.toBeInstanceOf(BreakerOpenError);
    expect(called).toBe(false);
  });

  it('names its rejection and says that the breaker is open', async () => {
    const { breaker } = setup(1);
    await expect(breaker.run(boom)).rejects.toThrow('boom');
    const err = await breaker.run(ok).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BreakerOpenError);
    expect((err as Error).name).toBe('BreakerOpenError');
    expect((err as Error).message).toMatch(/circuit breaker open/);
  });

  it('runs concurrent calls while closed (none of them is a trial that blocks the others)', async () => {
    const { breaker } = setup(3);
    const a = deferred<string>();
    const first = breaker.run(() => a.promise);
    await expect(breaker.run(() => Promise.resolve('second'))).resolves.toBe('second');
    a.resolve('first');
    await expect(first).resolves.toBe('first');
  });

  it('lets exactly one trial through when half-open', async () => {
    const { breaker, advance } = setup(1, 1_000);
    await breaker.run(boom).catch(() => undefined);
    advance(1_000);
    expect(breaker.state()).toBe('half_open');

    let release: (v: string) => void = () => undefined;
    const trial = breaker.run(() => new Promise<string>((resolve) => (release = resolve)));
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    release('done');
    await expect(trial).resolves.toBe('done');
    expect(breaker.state()).toBe('closed');
    await expect(breaker.run(ok)).resolves.toBe('ok');
  });

  it('admits the next trial after a failed trial and its cooldown (the trial slot is released)', async () => {
    const { breaker, advance } = setup(1, 100);
    await expect(breaker.run(boom)).rejects.toThrow('boom');
    advance(100);
    expect(breaker.state()).toBe('half_open');
    await expect(breaker.run(boom)).rejects.toThrow('boom'); // failed trial: cooldown restarts
    expect(breaker.state()).toBe('open');
    advance(100);
    await expect(breaker.run(() => Promise.resolve('back'))).resolves.toBe('back');
    expect(breaker.state()).toBe('closed');
  });

  it('admits exactly one trial even when a call started while closed finishes during it', async () => {
    const { breaker, advance } = setup(1, 100);
    const slow = deferred<string>();
    const early = breaker.run(() => slow.promise); // admitted while closed
    await expect(breaker.run(boom)).rejects.toThrow('boom'); // opens the breaker
    advance(100);
    const trial = deferred<string>();
    const trialRun = breaker.run(() => trial.promise); // the one trial
    slow.resolve('early'); // the pre-opening call succeeds while the trial is in flight: closed again
    await expect(early).resolves.toBe('early');
    await expect(breaker.run(boom)).rejects.toThrow('boom'); // threshold 1: open again
    advance(100);
    // The old trial is still in flight, so a half-open breaker must refuse a second one.
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    trial.resolve('trial');
    await expect(trialRun).resolves.toBe('trial');
  });

  it('restarts the cooldown when the trial fails', async () => {
    const { breaker, advance } = setup(3, 1_000);
    for (let i = 0; i < 3; i++) await breaker.run(boom).catch(() => undefined);
    advance(1_500);
    await expect(breaker.run(boom)).rejects.toThrow('boom');
    expect(breaker.state()).toBe('open');
    advance(999);
    expect(breaker.state()).toBe('open');
    advance(1);
    expect(breaker.state()).toBe('half_open');
  });

  it('needs consecutive failures: a success in between resets the count', async () => {
    const { breaker } = setup(2);
    await breaker.run(boom).catch(() => undefined);
    await breaker.run(ok);
    await breaker.run(boom).catch(() => undefined);
    expect(breaker.state()).toBe('closed');
  });

  it('refuses a threshold that is not a positive integer, naming the value', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, cooldownMs: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureThreshold: 0, cooldownMs: 1 })).toThrow(/failureThreshold.*got 0/);
    expect(() => new CircuitBreaker({ failureThreshold: 1.5, cooldownMs: 1 })).toThrow(/failureThreshold.*got 1\.5/);
  });
});
