import { round } from './rounding.js';

/** A slice of the source text: `text === source.slice(start, end)`, `end` exclusive. */
export interface Chunk {
  text: string;
  start: number;
  end: number;
}

const DEFAULT_SIZE = 1200;
const DEFAULT_OVERLAP = 200;

/**
 * Cuts text into windows of at most `size` characters that overlap by `overlap` characters, so the
 * model sees every sentence whole in at least one chunk. A cut prefers the last sentence end in the
 * window's second half (a break earlier than that would waste most of the window), else cuts hard.
 */
export function chunkText(text: string, opts: { size?: number; overlap?: number } = {}): Chunk[] {
  const size = opts.size ?? DEFAULT_SIZE;
  const overlap = opts.overlap ?? DEFAULT_OVERLAP;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
    throw new RangeError(`chunk overlap must be an integer in [0, size), got ${overlap}`);
  }

  const chunks: Chunk[] = [];
  let start = 0;
  while (start < text.length) {
    if (text.length - start <= size) {
      chunks.push({ text: text.slice(start), start, end: text.length });
      break;
    }
    const cut = sentenceCut(text, start, size) ?? hardCut(text, start + size);
    chunks.push({ text: text.slice(start, cut), start, end: cut });
    // With a large overlap relative to an early sentence cut the next start could fall behind this one.
    start = avoidSurrogateSplit(text, Math.max(cut - overlap, start + 1), start);
  }
  return chunks;
}

const SENTENCE_END = new Set(['.', '!', '?']);
const BREAK_SPACE = new Set([' ', '\n', '\r']);

/** The position just after the last `.`/`!`/`?` + whitespace whose position lies strictly past the window's midpoint. */
function sentenceCut(text: string, start: number, size: number): number | undefined {
  const midpoint = start + size / 2;
  for (let cut = start + size; cut > midpoint; cut--) {
    if (SENTENCE_END.has(text.charAt(cut - 1)) && BREAK_SPACE.has(text.charAt(cut))) return cut;
  }
  return undefined;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** A hard cut between the halves of a surrogate pair would hand the model two broken characters (emoji). */
function hardCut(text: string, cut: number): number {
  return isHighSurrogate(text.charCodeAt(cut - 1)) && isLowSurrogate(text.charCodeAt(cut)) ? cut - 1 : cut;
}

/** Moving the start back keeps the pair whole at the cost of one extra overlapping character. */
function avoidSurrogateSplit(text: string, next: number, previousStart: number): number {
  const splitsPair = isLowSurrogate(text.charCodeAt(next)) && isHighSurrogate(text.charCodeAt(next - 1));
  return splitsPair && next - 1 > previousStart ? next - 1 : next;
}

/** Mean of `value` weighted by `weight`; 0 when there is no weight at all (nothing to average). */
export function weightedMean(parts: { weight: number; value: number }[]): number {
  let total = 0;
  let sum = 0;
  for (const { weight, value } of parts) {
    total += weight;
    sum += weight * value;
  }
  return total === 0 ? 0 : sum / total;
}

/** One scorer's verdict on one text: label scores in 0..1 and a polarity in -1..1. */
export interface EmotionScore {
  emotions: Record<string, number>;
  polarity: number;
}

export interface EmotionAggregate {
  primary_emotion: string;
  confidence: number;
  sentiment_polarity: number;
  secondary_emotions: { emotion: string; score: number }[];
}

const NO_EMOTION: EmotionAggregate = { primary_emotion: 'neutral', confidence: 0, sentiment_polarity: 0, secondary_emotions: [] };

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function byScoreThenName(a: { emotion: string; score: number }, b: { emotion: string; score: number }): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.emotion < b.emotion ? -1 : a.emotion > b.emotion ? 1 : 0;
}

/**
 * Combines per-chunk scores into one verdict, weighting each chunk by its length so a short tail
 * chunk cannot outvote the body of the entry. A label a chunk did not report counts as 0 there.
 * Ranking uses the rounded scores so the reported order never contradicts the reported numbers.
 */
export function aggregateEmotions(parts: { length: number; score: EmotionScore }[]): EmotionAggregate {
  const totalLength = parts.reduce((sum, p) => sum + Math.max(0, p.length), 0);
  if (totalLength === 0) return { ...NO_EMOTION, secondary_emotions: [] };

  const weight = (p: { length: number }) => Math.max(0, p.length);
  const labels = new Set(parts.flatMap((p) => Object.keys(p.score.emotions)));
  const ranked = [...labels]
    .map((emotion) => ({
      emotion,
      score: round(clamp(weightedMean(parts.map((p) => ({ weight: weight(p), value: p.score.emotions[emotion] ?? 0 }))), 0, 1), 4),
    }))
    .sort(byScoreThenName);
  const polarity = round(clamp(weightedMean(parts.map((p) => ({ weight: weight(p), value: p.score.polarity }))), -1, 1), 4);

  const [primary, ...rest] = ranked;
  if (!primary) return { ...NO_EMOTION, sentiment_polarity: polarity, secondary_emotions: [] };
  return {
    primary_emotion: primary.emotion,
    confidence: primary.score,
    sentiment_polarity: polarity,
    secondary_emotions: rest.slice(0, 3),
  };
}
