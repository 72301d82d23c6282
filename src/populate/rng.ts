import { stableHash } from '../ai/hash.js';
import { mulberry32 } from '../domain/random.js';

export type Random = () => number;

export { mulberry32 };

/**
 * An independent stream per purpose (e.g. one item's content): drawing more or fewer numbers for one
 * item must not shift what every later item gets.
 */
export function substream(seed: number, label: string): Random {
  return mulberry32(stableHash(`${seed}\u0000${label}`));
}

export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('cannot pick from an empty list');
  return item;
}

export function weighted<T>(random: Random, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, w] of choices) {
    r -= w;
    if (r < 0) return value;
  }
  const last = choices.at(-1);
  if (last === undefined) throw new Error('cannot choose from no weights');
  return last[0];
}
