import { describe, expect, it } from 'vitest';
import { BreakerOpenError, CircuitBreaker } from './breaker.js';

function setup(failureThreshold = 2, cooldownMs = 1_000) {
  let t = 0;
  const breaker = new CircuitBreaker({ failureThreshold, cooldownMs, now: () => t });
  return { breaker, advance: (ms: number) => void (t += ms) };
}
const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));

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

  it('refuses a threshold below one', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, cooldownMs: 0 })).toThrow(RangeError);
  });
});
