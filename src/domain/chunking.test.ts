import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { aggregateEmotions, chunkText, weightedMean, type Chunk, type EmotionScore } from './chunking.js';

/** Text without any sentence end, so every cut is a hard one. */
function plain(length: number): string {
  return 'word '.repeat(Math.ceil(length / 5)).slice(0, length);
}

/** Plain text with `mark` + space placed so the punctuation sits at `index`. */
function withSentenceEnd(length: number, index: number, mark = '.', space = ' '): string {
  const base = plain(length);
  return base.slice(0, index) + mark + space + base.slice(index + 2);
}

function spans(chunks: Chunk[]): [number, number][] {
  return chunks.map((c) => [c.start, c.end]);
}

function expectWellFormed(text: string, chunks: Chunk[], size: number): void {
  for (const c of chunks) {
    expect(c.text).toBe(text.slice(c.start, c.end));
    expect(c.end - c.start).toBeLessThanOrEqual(size);
    expect(c.end).toBeGreaterThan(c.start);
  }
  expect(chunks[0]?.start).toBe(0);
  expect(chunks.at(-1)?.end).toBe(text.length);
  for (let i = 1; i < chunks.length; i++) {
    const prev = chunks[i - 1]!;
    const cur = chunks[i]!;
    expect(cur.start).toBeGreaterThan(prev.start);
    expect(cur.start).toBeLessThanOrEqual(prev.end);
  }
}

describe('chunkText lengths at the default size (1200, overlap 200)', () => {
  it('returns no chunk for empty text', () => {
    expect(chunkText('')).toEqual([]);
  });

  it('keeps 1199 and 1200 characters in a single chunk', () => {
    for (const n of [1199, 1200]) {
      const text = plain(n);
      expect(chunkText(text)).toEqual([{ text, start: 0, end: n }]);
    }
  });

  it('splits 1201 characters into a full window and a tail that overlaps by 200', () => {
    const text = plain(1201);
    expect(spans(chunkText(text))).toEqual([
      [0, 1200],
      [1000, 1201],
    ]);
  });

  it('splits 2400 characters into three chunks', () => {
    const text = plain(2400);
    const chunks = chunkText(text);
    expect(spans(chunks)).toEqual([
      [0, 1200],
      [1000, 2200],
      [2000, 2400],
    ]);
    expectWellFormed(text, chunks, 1200);
  });

  it('splits 5000 characters into five chunks covering everything', () => {
    const text = plain(5000);
    const chunks = chunkText(text);
    expect(spans(chunks)).toEqual([
      [0, 1200],
      [1000, 2200],
      [2000, 3200],
      [3000, 4200],
      [4000, 5000],
    ]);
    expectWellFormed(text, chunks, 1200);
  });

  it('overlaps consecutive chunks by exactly 200 characters', () => {
    const text = plain(5000);
    const chunks = chunkText(text);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!;
      const cur = chunks[i]!;
      expect(prev.end - cur.start).toBe(200);
      expect(prev.text.slice(-200)).toBe(cur.text.slice(0, 200));
    }
  });
});

describe('chunkText sentence-aware cuts', () => {
  it('cuts hard when the only sentence end lies before the midpoint', () => {
    // Punctuation at 598: the cut would be 599, inside the first half.
    expect(chunkText(withSentenceEnd(2000, 598))[0]?.end).toBe(1200);
  });

  it('cuts hard when the cut would land exactly on the midpoint', () => {
    // Punctuation at 599: cut 600 = start + size/2, which is not strictly after it.
    expect(chunkText(withSentenceEnd(2000, 599))[0]?.end).toBe(1200);
  });

  it('cuts right after the punctuation when the sentence end lies just after the midpoint', () => {
    const text = withSentenceEnd(2000, 600);
    const chunks = chunkText(text);
    expect(chunks[0]).toMatchObject({ start: 0, end: 601 });
    expect(chunks[0]?.text.endsWith('.')).toBe(true);
    expect(chunks[1]?.start).toBe(401);
    expectWellFormed(text, chunks, 1200);
  });

  it('prefers the last sentence end in the window', () => {
    let text = withSentenceEnd(2000, 700);
    text = text.slice(0, 1000) + '? ' + text.slice(1002);
    expect(chunkText(text)[0]?.end).toBe(1001);
  });

  it('accepts ! and ? followed by a newline as sentence ends', () => {
    expect(chunkText(withSentenceEnd(2000, 900, '!', '\n'))[0]?.end).toBe(901);
    expect(chunkText(withSentenceEnd(2000, 900, '?', '\n'))[0]?.end).toBe(901);
  });

  it('ignores punctuation that is not followed by whitespace', () => {
    const base = plain(2000);
    const text = base.slice(0, 900) + '3.14' + base.slice(904);
    expect(chunkText(text)[0]?.end).toBe(1200);
  });

  it('measures the midpoint from each window start, not from the text start', () => {
    // Second window is [1000, 2200): its midpoint is 1600, so a cut at 1551 is too early.
    const chunks = chunkText(withSentenceEnd(3000, 1550));
    expect(spans(chunks).slice(0, 2)).toEqual([
      [0, 1200],
      [1000, 2200],
    ]);
  });

  it('respects custom size and overlap', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz';
    expect(spans(chunkText(text, { size: 10, overlap: 3 }))).toEqual([
      [0, 10],
      [7, 17],
      [14, 24],
      [21, 26],
    ]);
  });

  it('rejects options that could never make progress, naming the bad value', () => {
    expect(() => chunkText('abc', { size: 0 })).toThrow(RangeError);
    expect(() => chunkText('abc', { size: 10, overlap: 10 })).toThrow(RangeError);
    expect(() => chunkText('abc', { size: 10, overlap: -1 })).toThrow(RangeError);
    expect(() => chunkText('abc', { size: 0 })).toThrow(/size.*got 0/);
    expect(() => chunkText('abc', { size: 2.5, overlap: 0 })).toThrow(/size.*got 2\.5/);
    expect(() => chunkText('abc', { size: 2, overlap: 2 })).toThrow(/overlap.*got 2/);
    expect(chunkText('abc', { size: 1, overlap: 0 }).map((c) => c.text)).toEqual(['a', 'b', 'c']);
  });

  it('always moves forward, even when the overlap reaches back past an early sentence cut', () => {
    const text = 'Ab. Cd. Ef. Gh. Ij. Kl. Mn. Op.';
    expectWellFormed(text, chunkText(text, { size: 10, overlap: 9 }), 10);
  });

  it('never splits a surrogate pair on a hard cut', () => {
    const text = 'x' + '😀'.repeat(700);
    const chunks = chunkText(text);
    expect(spans(chunks)).toEqual([
      [0, 1199],
      [999, 1401],
    ]);
    for (const c of chunks) expect(/[\uD800-\uDFFF]/u.test(c.text)).toBe(false);
  });

  it('moves a start that would split a surrogate pair back by one', () => {
    const text = 'a'.repeat(8) + '😀'.repeat(5);
    const chunks = chunkText(text, { size: 12, overlap: 3 });
    expect(spans(chunks)).toEqual([
      [0, 12],
      [8, 18],
    ]);
    for (const c of chunks) expect(/[\uD800-\uDFFF]/u.test(c.text)).toBe(false);
  });

  it('covers any text with bounded chunks that overlap exactly when overlap < size/2', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', ' ', '.', '!', '?', '\n'), maxLength: 400 }),
        fc.integer({ min: 2, max: 60 }),
        fc.nat(),
        (text, size, overlapSeed) => {
          const overlap = overlapSeed % Math.ceil(size / 2);
          const chunks = chunkText(text, { size, overlap });
          if (text.length === 0) return chunks.length === 0;
          expectWellFormed(text, chunks, size);
          for (let i = 1; i < chunks.length; i++) expect(chunks[i - 1]!.end - chunks[i]!.start).toBe(overlap);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// The model receives each chunk as text: half a surrogate pair would reach it as U+FFFD or invalid JSON.
describe('chunkText keeps characters whole', () => {
  it('never cuts between the halves of a surrogate pair when a whole character fits', () => {
    // U+10000 and U+10FFFF are the first and last astral code points (surrogates D800/DC00, DBFF/DFFF).
    for (const astral of ['\u{10000}', '\u{10FFFF}', '😀']) {
      const text = `${'a'.repeat(9)}${astral}${'b'.repeat(9)}`;
      const chunks = chunkText(text, { size: 10, overlap: 3 });
      expectWellFormed(text, chunks, 10);
      expect(chunks[0]!.end).toBe(9); // the pair at 9..10 is not split by the first cut
      for (const c of chunks) expect(c.text).not.toMatch(LONE_SURROGATE);
    }
  });

  it('moves a start back onto a pair it would split, but not back to where the last chunk started', () => {
    const pairs = '😀'.repeat(3);
    expectWellFormed(pairs, chunkText(pairs, { size: 2, overlap: 1 }), 2);
    const text = `x${'😀'.repeat(4)}`;
    const chunks = chunkText(text, { size: 4, overlap: 1 });
    expectWellFormed(text, chunks, 4);
    for (const c of chunks.slice(1)) expect(c.text).not.toMatch(LONE_SURROGATE);
  });

  it('steps an overlapping start back onto the high half of a pair', () => {
    const text = `aaaaa😀${'a'.repeat(12)}`; // the pair sits at 5..6; the overlap of the first cut lands on 6
    const chunks = chunkText(text, { size: 10, overlap: 4 });
    expect(spans(chunks)).toEqual([
      [0, 10],
      [5, 15],
      [11, 19],
    ]);
    for (const c of chunks) expect(c.text).not.toMatch(LONE_SURROGATE);
  });

  it('treats a lone surrogate (legal in JSON) like any other character: only real pairs move a cut', () => {
    const bounds = (t: string) => spans(chunkText(t, { size: 10, overlap: 4 }));
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
        const plainText = `${'a'.repeat(at)}${'x'.repeat(odd.length)}${'b'.repeat(20 - at)}`;
        expect(bounds(lonely), `${JSON.stringify(odd)} at ${at}`).toEqual(bounds(plainText));
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
          const chunks = chunkText(text, { size, overlap: rawOverlap % size });
          if (text.length === 0) return chunks.length === 0;
          expectWellFormed(text, chunks, size);
          // Cuts never split a pair; a start may, but only when stepping back would not make progress.
          for (const c of chunks) {
            const body = /^[\uDC00-\uDFFF]/.test(c.text) ? c.text.slice(1) : c.text;
            expect(body).not.toMatch(LONE_SURROGATE);
          }
          return true;
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('weightedMean', () => {
  it('weights each value by its weight', () => {
    expect(
      weightedMean([
        { weight: 4, value: 1 },
        { weight: 1, value: 0 },
      ]),
    ).toBeCloseTo(0.8, 12);
  });

  it('is 0 without any weight', () => {
    expect(weightedMean([])).toBe(0);
    expect(weightedMean([{ weight: 0, value: 5 }])).toBe(0);
  });
});

function score(emotions: Record<string, number>, polarity: number): EmotionScore {
  return { emotions, polarity };
}

describe('aggregateEmotions', () => {
  it('answers neutral with zero confidence for no chunks', () => {
    expect(aggregateEmotions([])).toEqual({
      primary_emotion: 'neutral',
      confidence: 0,
      sentiment_polarity: 0,
      secondary_emotions: [],
    });
  });

  it('answers neutral when every chunk is empty', () => {
    expect(aggregateEmotions([{ length: 0, score: score({ joy: 1 }, 1) }]).primary_emotion).toBe('neutral');
  });

  it('weights a 1200-character chunk four times a 300-character chunk', () => {
    const result = aggregateEmotions([
      { length: 1200, score: score({ joy: 1, sadness: 0 }, 1) },
      { length: 300, score: score({ joy: 0, sadness: 1 }, -1) },
    ]);
    expect(result).toEqual({
      primary_emotion: 'joy',
      confidence: 0.8,
      sentiment_polarity: 0.6,
      secondary_emotions: [{ emotion: 'sadness', score: 0.2 }],
    });
  });

  it('lets the long chunk win even when the short chunk is more intense', () => {
    const result = aggregateEmotions([
      { length: 1200, score: score({ sadness: 0.5 }, -0.5) },
      { length: 300, score: score({ joy: 1 }, 1) },
    ]);
    expect(result.primary_emotion).toBe('sadness');
    expect(result.confidence).toBe(0.4);
    expect(result.sentiment_polarity).toBe(-0.2);
  });

  it('counts a label missing from a chunk as 0 there', () => {
    const result = aggregateEmotions([
      { length: 100, score: score({ fear: 0.6 }, 0) },
      { length: 100, score: score({ anger: 0.2 }, 0) },
    ]);
    expect(result.primary_emotion).toBe('fear');
    expect(result.confidence).toBe(0.3);
    expect(result.secondary_emotions).toEqual([{ emotion: 'anger', score: 0.1 }]);
  });

  it('breaks ties by label name, for the primary and the secondaries', () => {
    const result = aggregateEmotions([
      { length: 10, score: score({ joy: 0.5, anger: 0.5, love: 0.2, fear: 0.2, surprise: 0.2, sadness: 0.1 }, 0) },
    ]);
    expect(result.primary_emotion).toBe('anger');
    expect(result.secondary_emotions).toEqual([
      { emotion: 'joy', score: 0.5 },
      { emotion: 'fear', score: 0.2 },
      { emotion: 'love', score: 0.2 },
    ]);
  });

  it('breaks a tie by label name whichever label the model listed first', () => {
    for (const emotions of [
      { joy: 0.5, calm: 0.5, anger: 0.1 },
      { anger: 0.1, calm: 0.5, joy: 0.5 },
    ]) {
      const result = aggregateEmotions([{ length: 10, score: score(emotions, 0.2) }]);
      expect(result.primary_emotion).toBe('calm');
      expect(result.secondary_emotions.map((e) => e.emotion)).toEqual(['joy', 'anger']);
    }
  });

  it('keeps the polarity when no label was reported at all', () => {
    expect(aggregateEmotions([{ length: 12, score: score({}, 0.5) }])).toEqual({
      primary_emotion: 'neutral',
      confidence: 0,
      sentiment_polarity: 0.5,
      secondary_emotions: [],
    });
  });

  it('rounds to 4 decimals and clamps polarity to [-1, 1]', () => {
    const result = aggregateEmotions([
      { length: 1, score: score({ joy: 1 }, 3) },
      { length: 2, score: score({ joy: 0 }, 3) },
    ]);
    expect(result.confidence).toBe(0.3333);
    expect(result.sentiment_polarity).toBe(1);
    expect(aggregateEmotions([{ length: 5, score: score({ joy: 0.1 }, -7) }]).sentiment_polarity).toBe(-1);
  });
});
