import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateEmotions, chunkText, type Chunk } from './chunking.js';

// Written against the survivors of a Stryker run (stryker.config.mjs).

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function expectValidChunks(text: string, chunks: Chunk[], size: number): void {
  expect(chunks[0]?.start ?? 0).toBe(0);
  expect(chunks.at(-1)?.end ?? 0).toBe(text.length);
  for (const [i, c] of chunks.entries()) {
    expect(c.text).toBe(text.slice(c.start, c.end));
    expect(c.end - c.start).toBeLessThanOrEqual(size);
    if (i > 0) {
      expect(c.start).toBeGreaterThan(chunks[i - 1]!.start); // progress
      expect(c.start).toBeLessThanOrEqual(chunks[i - 1]!.end); // no gap
    }
  }
}

describe('chunkText (mutation-driven)', () => {
  it('validates size and overlap, naming the bad value', () => {
    expect(() => chunkText('abc', { size: 0 })).toThrow('chunk size must be a positive integer, got 0');
    expect(() => chunkText('abc', { size: 2.5, overlap: 0 })).toThrow('chunk size must be a positive integer, got 2.5');
    expect(() => chunkText('abc', { size: 2, overlap: 2 })).toThrow('chunk overlap must be an integer in [0, size), got 2');
    expect(chunkText('abc', { size: 1, overlap: 0 }).map((c) => c.text)).toEqual(['a', 'b', 'c']);
  });

  it('always moves forward, even when the overlap reaches back past an early sentence cut', () => {
    const text = 'Ab. Cd. Ef. Gh. Ij. Kl. Mn. Op.';
    const chunks = chunkText(text, { size: 10, overlap: 9 });
    expectValidChunks(text, chunks, 10);
  });

  it('never cuts between the halves of a surrogate pair when a whole character fits', () => {
    // U+10000 and U+10FFFF are the first and last astral code points (surrogates D800/DC00, DBFF/DFFF).
    for (const astral of ['\u{10000}', '\u{10FFFF}', '😀']) {
      const text = `${'a'.repeat(9)}${astral}${'b'.repeat(9)}`;
      const chunks = chunkText(text, { size: 10, overlap: 3 });
      expectValidChunks(text, chunks, 10);
      expect(chunks[0]!.end).toBe(9); // the pair at 9..10 is not split by the first cut
      for (const c of chunks) expect(c.text).not.toMatch(LONE_SURROGATE);
    }
  });

  it('moves a start back onto a pair it would split, but not back to where the last chunk started', () => {
    const pairs = '😀'.repeat(3);
    const chunks = chunkText(pairs, { size: 2, overlap: 1 });
    expectValidChunks(pairs, chunks, 2);
    const text = `x${'😀'.repeat(4)}`;
    expectValidChunks(text, chunkText(text, { size: 4, overlap: 1 }), 4);
    expect(
      chunkText(text, { size: 4, overlap: 1 })
        .slice(1)
        .every((c) => !LONE_SURROGATE.test(c.text)),
    ).toBe(true);
  });

  it('steps an overlapping start back onto the high half of a pair', () => {
    const text = `aaaaa😀${'a'.repeat(12)}`; // the pair sits at 5..6; the overlap of the first cut lands on 6
    const chunks = chunkText(text, { size: 10, overlap: 4 });
    expect(chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 10],
      [5, 15],
      [11, 19],
    ]);
    for (const c of chunks) expect(c.text).not.toMatch(LONE_SURROGATE);
  });

  it('treats a lone surrogate (legal in JSON) like any other character: only real pairs move a cut', () => {
    const bounds = (t: string, size: number, overlap: number) => chunkText(t, { size, overlap }).map((c) => [c.start, c.end]);
    // A high surrogate before U+E000..U+FFFF (just past the low-surrogate range) is no pair either.
    for (const odd of [
      '\uD800',
      '\uDBFF',
      '\uDC00',
      '\uDFFF',
      '\uDC00\uDC00',
      '\uD800\uD800',
      '\uDC00\uD800',
      '\uD800\uE000',
      '\uDBFF\uFFFD',
    ]) {
      for (const at of [5, 6, 8, 9, 10]) {
        const lonely = `${'a'.repeat(at)}${odd}${'b'.repeat(20 - at)}`;
        const plain = `${'a'.repeat(at)}${'x'.repeat(odd.length)}${'b'.repeat(20 - at)}`;
        expect(bounds(lonely, 10, 4), `${JSON.stringify(odd)} at ${at}`).toEqual(bounds(plain, 10, 4));
      }
    }
  });

  it('keeps every chunk well-formed for any text with astral characters (size >= 2)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 0, max: 11 }),
        (text, size, rawOverlap) => {
          const overlap = rawOverlap % size;
          const chunks = chunkText(text, { size, overlap });
          expectValidChunks(text, chunks, size);
          // Cuts never split a pair; a start may, but only when stepping back would not make progress.
          for (const c of chunks) {
            const body = /^[\uDC00-\uDFFF]/.test(c.text) ? c.text.slice(1) : c.text;
            expect(body).not.toMatch(LONE_SURROGATE);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('aggregateEmotions (mutation-driven)', () => {
  it('breaks score ties by label name, in both orders of appearance', () => {
    const score = { emotions: { joy: 0.5, calm: 0.5, anger: 0.1 }, polarity: 0.2 };
    const reversed = { emotions: { anger: 0.1, calm: 0.5, joy: 0.5 }, polarity: 0.2 };
    for (const s of [score, reversed]) {
      const agg = aggregateEmotions([{ length: 10, score: s }]);
      expect(agg.primary_emotion).toBe('calm');
      expect(agg.secondary_emotions.map((e) => e.emotion)).toEqual(['joy', 'anger']);
    }
  });

  it('keeps the polarity when no label was reported at all', () => {
    expect(aggregateEmotions([{ length: 12, score: { emotions: {}, polarity: 0.5 } }])).toEqual({
      primary_emotion: 'neutral',
      confidence: 0,
      sentiment_polarity: 0.5,
      secondary_emotions: [],
    });
  });
});
