import { describe, it, expect } from 'vitest';
import { LANGUAGES } from '../contract/enums.js';
import { EMOTION_LABELS, LEXICON, analyzeWithLexicon, lexiconLabel } from './lexicon.js';

function top(scores: Record<string, number>): string {
  return Object.entries(scores).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

describe('lexicon word lists', () => {
  it('resolve every listed word (and stem) to its own label only', () => {
    for (const language of LANGUAGES) {
      for (const [label, words] of Object.entries(LEXICON[language])) {
        for (const word of words) expect(lexiconLabel(word.replace(/\*$/, ''), language), `${language}:${word}`).toBe(label);
      }
    }
  });

  it('match German inflections through stems but not unrelated words sharing letters', () => {
    expect(lexiconLabel('glücklicher', 'de')).toBe('joy');
    expect(lexiconLabel('traurigkeit', 'de')).toBe('sadness');
    expect(lexiconLabel('überraschenderweise', 'de')).toBe('surprise');
    expect(lexiconLabel('freund', 'de')).toBeUndefined();
    expect(lexiconLabel('lieber', 'de')).toBeUndefined();
  });
});

describe('analyzeWithLexicon', () => {
  it('always reports every label with scores in 0..1 that sum to 1', () => {
    for (const [text, language] of [
      ['', 'en'],
      ['I am happy but also scared and angry', 'en'],
      ['Ich bin glücklich, dankbar und ein bisschen überrascht', 'de'],
    ] as const) {
      const { emotions } = analyzeWithLexicon(text, language);
      expect(Object.keys(emotions).sort()).toEqual([...EMOTION_LABELS].sort());
      for (const v of Object.values(emotions)) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(Object.values(emotions).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    }
  });

  it('is fully neutral with polarity 0 when no emotion word occurs', () => {
    const result = analyzeWithLexicon('The meeting is at ten in the main building.', 'en');
    expect(result.emotions.neutral).toBe(1);
    expect(result.emotions.joy).toBe(0);
    expect(result.polarity).toBe(0);
  });

  it('lets a single emotion word outweigh neutral', () => {
    const result = analyzeWithLexicon('Today I was happy.', 'en');
    expect(result.emotions.joy).toBe(0.6667);
    expect(result.emotions.neutral).toBe(0.3333);
    expect(result.polarity).toBe(1);
  });

  it('scores English joy and gratitude as positive', () => {
    const result = analyzeWithLexicon('I am so happy and grateful for my friends, what a wonderful day!', 'en');
    expect(top(result.emotions)).toBe('joy');
    expect(result.emotions.gratitude).toBeGreaterThan(0);
    expect(result.polarity).toBe(1);
  });

  it('scores English fear and sadness as negative', () => {
    const result = analyzeWithLexicon('I was anxious and worried all day, then I cried.', 'en');
    expect(top(result.emotions)).toBe('fear');
    expect(result.emotions.sadness).toBeGreaterThan(0);
    expect(result.polarity).toBe(-1);
  });

  it.each([
    ['Ich bin heute so glücklich!', 'joy', 1],
    ['Ich bin traurig, weil sie weg ist.', 'sadness', -1],
    ['Ich bin wütend auf meinen Chef.', 'anger', -1],
    ['Ich habe Angst vor der Prüfung.', 'fear', -1],
    ['Ich bin dankbar für meine Familie.', 'gratitude', 1],
    ['Liebe ist alles.', 'love', 1],
    ['Ich war völlig überrascht.', 'surprise', 0],
  ] as const)('reads German "%s" as %s', (text, label, polarity) => {
    const result = analyzeWithLexicon(text, 'de');
    expect(top(result.emotions)).toBe(label);
    expect(result.polarity).toBe(polarity);
  });

  it('is case-insensitive, including capitalised German nouns and umlauts', () => {
    expect(analyzeWithLexicon('HAPPY', 'en').emotions.joy).toBeGreaterThan(0);
    expect(analyzeWithLexicon('GLÜCKLICH', 'de').emotions.joy).toBeGreaterThan(0);
    expect(analyzeWithLexicon('ANGST', 'de').emotions.fear).toBeGreaterThan(0);
  });

  it('computes polarity as positive minus negative hits over all hits', () => {
    const result = analyzeWithLexicon('happy, joyful, sad, surprised', 'en');
    expect(result.polarity).toBe(0.25);
    expect(result.emotions.joy).toBe(0.4444);
  });

  it('ignores an emotion word right after a negation', () => {
    expect(analyzeWithLexicon('I am not happy', 'en').emotions.neutral).toBe(1);
    expect(analyzeWithLexicon("I don't feel scared", 'en').emotions.fear).toBe(0);
    expect(analyzeWithLexicon('Ich bin nicht glücklich', 'de').emotions.joy).toBe(0);
    expect(analyzeWithLexicon('Not today. I was happy', 'en').emotions.joy).toBeGreaterThan(0);
  });

  it('uses the word list of the language it is given', () => {
    expect(analyzeWithLexicon('traurig', 'en').emotions.neutral).toBe(1);
    expect(analyzeWithLexicon('traurig', 'de').emotions.sadness).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const text = 'Ich freue mich, aber ich habe auch Sorgen.';
    expect(analyzeWithLexicon(text, 'de')).toEqual(analyzeWithLexicon(text, 'de'));
  });
});
