import { describe, it, expect } from 'vitest';
import { round } from './rounding.js';

describe('round', () => {
  it('rounds half up at the requested precision', () => {
    expect(round(0.12345, 4)).toBe(0.1235);
    expect(round(2.5, 0)).toBe(3);
    expect(round(1 / 3, 2)).toBe(0.33);
  });

  it('rounds negative halves towards +infinity, as Math.round does', () => {
    expect(round(-2.5, 0)).toBe(-2);
    expect(round(-0.12346, 4)).toBe(-0.1235);
  });

  it('never returns negative zero', () => {
    expect(Object.is(round(-0.00001, 4), 0)).toBe(true);
    expect(Object.is(round(-0, 2), 0)).toBe(true);
  });
});
