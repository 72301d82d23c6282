// Letters and combining marks, with inner apostrophes kept so "don't" stays one negating token.
const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;

/**
 * Lower-cased word tokens. NFC first so a decomposed "u + combining diaeresis" matches the
 * precomposed "ü" in the word lists.
 */
export function wordTokens(s: string): string[] {
  return (s.normalize('NFC').toLowerCase().match(WORD) ?? []).map((t) => t.replace(/’/g, "'"));
}
