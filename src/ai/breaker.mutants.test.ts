import { describe, expect, it } from 'vitest';
import { BreakerOpenError, CircuitBreaker } from './breaker.js';

// Written against the survivors of a Stryker run (stryker.config.mjs): behaviour the other breaker
// tests did not pin down.

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const boom = () => Promise.reject(new Error('down'));

describe('CircuitBreaker (mutation-driven)', () => {
  it('names its rejection and says why', async () => {
    let t = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, now: () => t });
    await expect(breaker.run(boom)).rejects.toThrow('down');
    t = 50;
    const err = await breaker.run(() => Promise.resolve(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BreakerOpenError);
    expect((err as Error).name).toBe('BreakerOpenError');
    expect((err as Error).message).toBe('circuit breaker open: Ollama failed repeatedly, not calling it until the cooldown ends');
  });

  it('rejects a bad threshold with the value in the message', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, cooldownMs: 1 })).toThrow('failureThreshold must be a positive integer, got 0');
    expect(() => new CircuitBreaker({ failureThreshold: 1.5, cooldownMs: 1 })).toThrow(
      'failureThreshold must be a positive integer, got 1.5',
    );
  });

  it('lets the next trial through after a failed trial and its cooldown (the trial slot is released)', async () => {
    let t = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, now: () => t });
    await expect(breaker.run(boom)).rejects.toThrow('down');
    expect(breaker.state()).toBe('open');
    t = 100;
    expect(breaker.state()).toBe('half_open');
    await expect(breaker.run(boom)).rejects.toThrow('down'); // failed trial: cooldown restarts
    expect(breaker.state()).toBe('open');
    t = 200;
    await expect(breaker.run(() => Promise.resolve('back'))).resolves.toBe('back'); // second trial admitted
    expect(breaker.state()).toBe('closed');
  });

  it('runs concurrent calls while closed (none of them is a trial that blocks the others)', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 100, now: () => 0 });
    const a = deferred<string>();
    const first = breaker.run(() => a.promise);
    await expect(breaker.run(() => Promise.resolve('second'))).resolves.toBe('second');
    a.resolve('first');
    await expect(first).resolves.toBe('first');
  });

  it('admits exactly one trial even when a call started while closed finishes during it', async () => {
    let t = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, now: () => t });
    const slow = deferred<string>();
    const early = breaker.run(() => slow.promise); // admitted while closed
    await expect(breaker.run(boom)).rejects.toThrow('down'); // opens the breaker
    t = 100;
    const trial = deferred<string>();
    const trialRun = breaker.run(() => trial.promise); // the one trial
    slow.resolve('early'); // the pre-opening call succeeds while the trial is in flight: closed again
    await expect(early).resolves.toBe('early');
    await expect(breaker.run(boom)).rejects.toThrow('down'); // threshold 1: open again at t=100
    t = 200;
    const err = await breaker
      .run(() => Promise.resolve('x'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // The old trial is still in flight, so a half-open breaker must refuse a second one.
    expect(err).toBeInstanceOf(BreakerOpenError);
    trial.resolve('trial');
    await expect(trialRun).resolves.toBe('trial');
  });
});
