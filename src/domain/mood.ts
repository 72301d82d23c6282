import type { MoodType } from '../contract/enums.js';

/**
 * Maps a sentiment polarity in [-1, 1] to the contract's five moods. A NaN polarity carries no
 * signal, so it reads as neutral rather than falling through to very_negative.
 */
export function moodFromPolarity(p: number): MoodType {
  if (Number.isNaN(p)) return 'neutral';
  if (p >= 0.6) return 'very_positive';
  if (p >= 0.2) return 'positive';
  if (p > -0.2) return 'neutral';
  if (p > -0.6) return 'negative';
  return 'very_negative';
}
