/**
 * FNV-1a over UTF-16 code units: tiny, dependency-free and identical on every run and machine, which
 * is all the offline fallback and the test stub need to pick "randomly" yet reproducibly.
 */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
