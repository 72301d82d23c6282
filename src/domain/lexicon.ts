import type { Language } from '../contract/enums.js';
import type { EmotionScore } from './chunking.js';
import { round } from './rounding.js';
import { wordTokens } from './tokens.js';

export const EMOTION_LABELS = ['joy', 'sadness', 'anger', 'fear', 'love', 'gratitude', 'surprise', 'neutral'] as const;
export type EmotionLabel = (typeof EMOTION_LABELS)[number];
type FeltEmotion = Exclude<EmotionLabel, 'neutral'>;

/**
 * Word lists for the offline fallback. A trailing `*` matches any word starting with the stem, which
 * covers German inflection (glücklich, glückliche, glücklicher) without listing every form; stems are
 * only used where no unrelated word shares the prefix (hence "freude", not "freu*", which would hit "Freund").
 */
export const LEXICON: Record<Language, Record<FeltEmotion, readonly string[]>> = {
  en: {
    joy: [
      'happy',
      'happier',
      'happiest',
      'happiness',
      'joy',
      'joyful',
      'glad',
      'excited',
      'delighted',
      'cheerful',
      'fun',
      'laugh',
      'laughed',
      'laughing',
      'smile',
      'smiled',
      'wonderful',
      'great',
      'amazing',
      'awesome',
      'proud',
      'relieved',
      'enjoy',
      'enjoyed',
    ],
    sadness: [
      'sad',
      'sadder',
      'sadness',
      'unhappy',
      'depressed',
      'lonely',
      'cry',
      'cried',
      'crying',
      'tears',
      'miserable',
      'hopeless',
      'heartbroken',
      'grief',
      'grieving',
      'disappointed',
      'hurt',
      'gloomy',
      'sorrow',
    ],
    anger: [
      'angry',
      'anger',
      'mad',
      'furious',
      'annoyed',
      'annoying',
      'irritated',
      'frustrated',
      'frustrating',
      'frustration',
      'rage',
      'hate',
      'hated',
      'resent',
      'resentful',
      'outraged',
      'livid',
    ],
    fear: [
      'afraid',
      'scared',
      'fear',
      'feared',
      'anxious',
      'anxiety',
      'worried',
      'worry',
      'worrying',
      'nervous',
      'panic',
      'panicked',
      'terrified',
      'frightened',
      'dread',
      'stressed',
      'stress',
      'overwhelmed',
    ],
    love: [
      'love',
      'loved',
      'loving',
      'lovely',
      'adore',
      'adored',
      'affection',
      'caring',
      'cherish',
      'cherished',
      'hug',
      'hugged',
      'tender',
      'romantic',
    ],
    gratitude: [
      'grateful',
      'gratitude',
      'thankful',
      'thanks',
      'thank',
      'appreciate',
      'appreciated',
      'appreciation',
      'blessed',
      'fortunate',
      'lucky',
    ],
    surprise: [
      'surprised',
      'surprise',
      'surprising',
      'unexpected',
      'unexpectedly',
      'shocked',
      'shocking',
      'astonished',
      'amazed',
      'startled',
      'suddenly',
      'wow',
    ],
  },
  de: {
    joy: [
      'glücklich*',
      'froh',
      'frohe',
      'fröhlich*',
      'freude',
      'freuen',
      'freue',
      'freut',
      'gefreut',
      'spaß',
      'lachen',
      'gelacht',
      'begeistert*',
      'toll',
      'tolle',
      'toller',
      'wunderbar*',
      'schön',
      'schöne',
      'schöner',
      'zufrieden*',
      'stolz*',
      'erleichtert*',
    ],
    sadness: [
      'traurig*',
      'trauer',
      'einsam*',
      'weinen',
      'weine',
      'geweint',
      'tränen',
      'unglücklich*',
      'deprimiert*',
      'niedergeschlagen*',
      'hoffnungslos*',
      'enttäuscht*',
      'verzweifelt*',
      'vermisse',
      'vermisst',
    ],
    anger: [
      'wütend*',
      'wut',
      'ärger',
      'ärgert',
      'ärgere',
      'geärgert',
      'ärgerlich*',
      'verärgert*',
      'sauer',
      'zornig*',
      'zorn',
      'genervt',
      'nervt',
      'hasse',
      'hasst',
      'gehasst',
      'frustriert*',
      'frustration',
      'empört*',
    ],
    fear: [
      'angst',
      'ängste',
      'ängstlich*',
      'fürchte',
      'furcht',
      'befürchte',
      'sorge',
      'sorgen',
      'besorgt*',
      'nervös*',
      'panik',
      'erschrocken',
      'beunruhigt*',
      'gestresst*',
      'stress',
      'überfordert*',
    ],
    love: ['liebe', 'lieben', 'liebt', 'geliebt*', 'liebevoll*', 'verliebt*', 'zärtlich*', 'umarmt', 'umarmung', 'umarmen', 'herzlich*'],
    gratitude: ['dankbar*', 'danke', 'dank', 'danken', 'bedanke', 'bedankt', 'gesegnet'],
    surprise: [
      'überrascht*',
      'überraschung*',
      'überraschend*',
      'unerwartet*',
      'erstaunt*',
      'verblüfft*',
      'plötzlich',
      'schockiert*',
      'wow',
    ],
  },
};

// A negator shortly before an emotion word ("not happy", "nicht glücklich") voids that hit rather than
// inverting it: "not happy" is not the same as "sad", and a wrong guess is worse than no guess.
const NEGATORS: Record<Language, ReadonlySet<string>> = {
  en: new Set([
    'not',
    'no',
    'never',
    'nor',
    'hardly',
    "don't",
    "didn't",
    "doesn't",
    "isn't",
    "wasn't",
    "aren't",
    "weren't",
    "can't",
    "couldn't",
    "won't",
    "wouldn't",
    "haven't",
    "hasn't",
  ]),
  de: new Set(['nicht', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'nie', 'niemals']),
};
const NEGATION_REACH = 2;

const POSITIVE: ReadonlySet<EmotionLabel> = new Set(['joy', 'love', 'gratitude']);
const NEGATIVE: ReadonlySet<EmotionLabel> = new Set(['sadness', 'anger', 'fear']);

/**
 * Neutral's weight as if it had half a hit: one emotion word outweighs it (primary = that emotion),
 * while the scores stay a distribution summing to 1 and neutral reaches 1 only with no hits at all.
 */
const NEUTRAL_PSEUDO_HITS = 0.5;

interface Matcher {
  exact: Map<string, FeltEmotion>;
  stems: [string, FeltEmotion][];
}

function compile(lists: Record<FeltEmotion, readonly string[]>): Matcher {
  const exact = new Map<string, FeltEmotion>();
  const stems: [string, FeltEmotion][] = [];
  for (const [label, words] of Object.entries(lists) as [FeltEmotion, readonly string[]][]) {
    for (const word of words) {
      if (word.endsWith('*')) stems.push([word.slice(0, -1), label]);
      else exact.set(word, label);
    }
  }
  return { exact, stems };
}

const MATCHERS: Record<Language, Matcher> = { en: compile(LEXICON.en), de: compile(LEXICON.de) };

/** The label a single lower-case token expresses in that language, if any. */
export function lexiconLabel(token: string, language: Language): FeltEmotion | undefined {
  const matcher = MATCHERS[language];
  return matcher.exact.get(token) ?? matcher.stems.find(([stem]) => token.startsWith(stem))?.[1];
}

/** Deterministic offline scorer used when the language model is unavailable or answers garbage. */
export function analyzeWithLexicon(text: string, language: Language): EmotionScore {
  const tokens = wordTokens(text);
  const negators = NEGATORS[language];
  const hits = Object.fromEntries(EMOTION_LABELS.map((l) => [l, 0])) as Record<EmotionLabel, number>;
  let total = 0;
  let positive = 0;
  let negative = 0;

  tokens.forEach((token, i) => {
    const label = lexiconLabel(token, language);
    if (!label) return;
    const negated = tokens.slice(Math.max(0, i - NEGATION_REACH), i).some((t) => negators.has(t));
    if (negated) return;
    hits[label]++;
    total++;
    if (POSITIVE.has(label)) positive++;
    if (NEGATIVE.has(label)) negative++;
  });

  hits.neutral = NEUTRAL_PSEUDO_HITS;
  const denominator = total + NEUTRAL_PSEUDO_HITS;
  const emotions: Record<string, number> = {};
  for (const label of EMOTION_LABELS) emotions[label] = round(hits[label] / denominator, 4);
  return { emotions, polarity: total === 0 ? 0 : round((positive - negative) / total, 4) };
}
