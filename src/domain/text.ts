import type { Language } from '../contract/enums.js';
import { wordTokens } from './tokens.js';

/** Whitespace-separated tokens, as the contract defines `word_count`. */
export function wordCount(s: string): number {
  const trimmed = s.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
}

// One segmenter for the process: constructing one loads ICU's break rules, using one is cheap.
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest prefix of `s` that is whole user-perceived characters (grapheme clusters) and at most
 * `maxUnits` UTF-16 units long (the unit zod's max() and the contract's lengths count). A cut by units
 * alone splits surrogate pairs, which PostgreSQL's UTF-8 then stores as U+FFFD, and a cut by code points
 * still strips accents and emoji modifiers off their base. A single character longer than the limit (a
 * base with dozens of combining marks) is cut at the last code point that fits instead of leaving nothing.
 */
export function cutToCharacters(s: string, maxUnits: number): string {
  if (s.length <= maxUnits) return s;
  let end = 0;
  // Segments are produced lazily, so a long message is read only up to the limit.
  for (const { index, segment } of GRAPHEMES.segment(s)) {
    if (index + segment.length > maxUnits) break;
    end = index + segment.length;
  }
  if (end > 0) return s.slice(0, end);
  let units = 0;
  for (const codePoint of s) {
    if (units + codePoint.length > maxUnits) break;
    units += codePoint.length;
  }
  return s.slice(0, units);
}

/** At 200 words a minute, never less than a minute for a stored entry. */
export function readingTimeMinutes(words: number): number {
  return Math.max(1, Math.floor(words / 200));
}

// Only words that are frequent in one language and rare in the other: "die", "also", "was", "will",
// "so", "in", "an" and similar are ambiguous between English and German, so only unambiguous ones vote.
const GERMAN_WORDS = new Set([
  'und',
  'ich',
  'nicht',
  'der',
  'die',
  'das',
  'ist',
  'mit',
  'auch',
  'heute',
  'mein',
  'meine',
  'meinen',
  'meiner',
  'mich',
  'mir',
  'sich',
  'ein',
  'eine',
  'einen',
  'einem',
  'einer',
  'zu',
  'wir',
  'sie',
  'es',
  'auf',
  'für',
  'habe',
  'hatte',
  'haben',
  'bin',
  'sind',
  'sehr',
  'aber',
  'noch',
  'dass',
  'den',
  'dem',
  'des',
  'nach',
  'wie',
  'wenn',
  'oder',
  'wurde',
  'bei',
  'schon',
  'jetzt',
  'immer',
  'gestern',
  'morgen',
  'weil',
  'kann',
  'viel',
  'nur',
  'mehr',
  'ganz',
  'wieder',
  'doch',
  'einfach',
  'gut',
  'keine',
  'kein',
]);
const ENGLISH_WORDS = new Set([
  'the',
  'and',
  'i',
  'not',
  'is',
  'with',
  'today',
  'my',
  'to',
  'of',
  'it',
  'that',
  'this',
  'have',
  'had',
  'been',
  'were',
  'for',
  'but',
  'me',
  'you',
  'we',
  'they',
  'he',
  'she',
  'about',
  'just',
  'really',
  'feel',
  'felt',
  'what',
  'when',
  'because',
  'very',
  'would',
  'could',
  'be',
  'are',
  'on',
  'at',
  'a',
  'some',
  'yesterday',
  'tomorrow',
  'again',
  'always',
  'still',
  'more',
  'only',
  'good',
  "i'm",
  "don't",
  'myself',
]);
const GERMAN_LETTERS = /[äöüß]/u;

/**
 * A cheap vote between English and German: each token counts for the language whose common words
 * contain it, and a token with ä/ö/ü/ß counts for German. Ties, including empty text, stay English.
 */
export function detectLanguage(s: string): Language {
  let german = 0;
  let english = 0;
  for (const token of wordTokens(s)) {
    if (GERMAN_WORDS.has(token) || GERMAN_LETTERS.test(token)) german++;
    else if (ENGLISH_WORDS.has(token)) english++;
  }
  return german > english ? 'de' : 'en';
}

/** Counted in code points so an emoji is one character, as a person would count it. */
export function hasMinimumContent(s: string, min = 3): boolean {
  let count = 0;
  for (const ch of s) {
    if (!/\s/u.test(ch) && ++count >= min) return true;
  }
  return count >= min;
}
