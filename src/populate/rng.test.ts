import { describe, expect, it } from 'vitest';
import { intBetween, mulberry32, pick, substream, weighted } from './rng.js';

const fixed = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('substream', () => {
  it('is stable per seed and label (pinned values)', () => {
    const a = substream(1, 'a');
    expect([a(), a(), a()]).toEqual([0.6761148131918162, 0.17728433664888144, 0.16684949747286737]);
    expect(substream(1, 'b')()).toBe(0.40543548483401537);
    expect(substream(2, 'a')()).toBe(0.567039237357676);
    expect(mulberry32(42)()).toBe(0.6011037519201636);
  });

  it('streams are independent: drawing from one does not shift another', () => {
    const x1 = substream(9, 'item-1');
    const y1 = substream(9, 'item-2');
    const firstY = y1();
    for (let i = 0; i < 100; i++) x1();
    const y2 = substream(9, 'item-2');
    expect(y2()).toBe(firstY);
    expect(substream(9, 'item-1')()).not.toBe(firstY);
  });

  it('separates seed and label (no "1"+"2a" == "12"+"a" collision)', () => {
    expect(substream(1, '2a')()).not.toBe(substream(12, 'a')());
  });
});

describe('intBetween', () => {
  it('covers min..max inclusive', () => {
    expect(intBetween(() => 0, 3, 5)).toBe(3);
    expect(intBetween(() => 0.5, 3, 5)).toBe(4);
    expect(intBetween(() => 0.999999, 3, 5)).toBe(5);
    expect(intBetween(() => 0.34, 3, 5)).toBe(4);
    expect(intBetween(() => 0.33, 3, 5)).toBe(3);
    expect(intBetween(() => 0.7, 7, 7)).toBe(7);
  });
});

describe('pick', () => {
  it('maps [0,1) onto the items', () => {
    expect(pick(() => 0, ['a', 'b', 'c'])).toBe('a');
    expect(pick(() => 0.34, ['a', 'b', 'c'])).toBe('b');
    expect(pick(() => 0.99, ['a', 'b', 'c'])).toBe('c');
  });
  it('throws on an empty list', () => {
    expect(() => pick(() => 0, [])).toThrow('cannot pick from an empty list');
  });
});

describe('weighted', () => {
  const choices = [
    ['a', 1],
    ['b', 3],
  ] as const;
  it('follows the cumulative weights with strict boundaries', () => {
    expect(weighted(() => 0, choices)).toBe('a');
    expect(weighted(() => 0.2, choices)).toBe('a');
    expect(weighted(() => 0.25, choices)).toBe('b');
    expect(weighted(() => 0.99, choices)).toBe('b');
    expect(
      weighted(fixed(0.1), [
        ['x', 2],
        ['y', 2],
        ['z', 6],
      ]),
    ).toBe('x');
    expect(
      weighted(fixed(0.3), [
        ['x', 2],
        ['y', 2],
        ['z', 6],
      ]),
    ).toBe('y');
    expect(
      weighted(fixed(0.4), [
        ['x', 2],
        ['y', 2],
        ['z', 6],
      ]),
    ).toBe('z');
  });
  it('falls back to the last choice when the draw exhausts every weight', () => {
    expect(
      weighted(
        () => 1,
        [
          ['a', 1],
          ['b', 1],
        ],
      ),
    ).toBe('b');
    expect(
      weighted(
        () => 0.5,
        [
          ['a', 0],
          ['b', 0],
        ],
      ),
    ).toBe('b');
  });
  it('throws with no choices', () => {
    expect(() => weighted(() => 0.5, [])).toThrow('cannot choose from no weights');
  });
});
