import { describe, expect, it } from 'vitest';
import { inFlight } from './pool.js';

describe('inFlight', () => {
  it('starts calls in order, never more than the limit at once, and returns results in the items order', async () => {
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const out = await inFlight([5, 1, 4, 2, 3, 0], 2, async (ms, i) => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 10;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
  });

  it('rejects with the first failure and handles an empty list', async () => {
    await expect(inFlight([1, 2], 4, async (x) => (x === 2 ? Promise.reject(new Error('two')) : x))).rejects.toThrow('two');
    expect(await inFlight([], 3, async (x) => x)).toEqual([]);
  });
});
