import { describe, it, expect } from 'vitest';
import { moodFromPolarity } from './mood.js';

describe('moodFromPolarity', () => {
  it.each([
    [1, 'very_positive'],
    [0.6, 'very_positive'],
    [0.5999, 'positive'],
    [0.2, 'positive'],
    [0.1999, 'neutral'],
    [0, 'neutral'],
    [-0.1999, 'neutral'],
    [-0.2, 'negative'],
    [-0.5999, 'negative'],
    [-0.6, 'very_negative'],
    [-1, 'very_negative'],
  ] as const)('maps %s to %s', (polarity, mood) => {
    expect(moodFromPolarity(polarity)).toBe(mood);
  });

  it('reads NaN as neutral', () => {
    expect(moodFromPolarity(Number.NaN)).toBe('neutral');
  });
});
