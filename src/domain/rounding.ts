/**
 * The contract's single rounding rule: round(x, k) = Math.round(x * 10**k) / 10**k.
 * Negative zero is folded to 0 so it never reaches the wire as "-0" or breaks toEqual(0).
 */
export function round(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale + 0;
}
