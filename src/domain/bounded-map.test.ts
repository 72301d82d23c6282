import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('never holds more than its limit, dropping the oldest entry', () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c'].entries()) m.set(k, i);
    m.set('d', 3);
    expect(m.size).toBe(3);
    expect(m.has('a')).toBe(false);
    expect([m.get('b'), m.get('c'), m.get('d')]).toEqual([1, 2, 3]);
    // Setting an existing key makes it the newest.
    m.set('b', 10).set('e', 4);
    expect([m.has('c'), m.get('b')]).toEqual([false, 10]);
    for (let i = 0; i < 10_000; i++) m.set(`k${i}`, i);
    expect(m.size).toBe(3);
    expect(m.get('k9999')).toBe(9999);
  });

  it('overwriting a key keeps one entry; stored undefined-like values are found', () => {
    const m = new BoundedMap<string, string | null>(2);
    m.set('x', null).set('x', 'y');
    expect(m.size).toBe(1);
    m.set('n', null);
    expect(m.get('n')).toBeNull();
    expect(m.get('missing')).toBeUndefined();
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => new BoundedMap(limit)).toThrow(RangeError);
  });
});
