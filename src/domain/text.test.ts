import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { cutToCharacters, detectLanguage, hasMinimumContent, readingTimeMinutes, wordCount } from './text.js';

describe('wordCount', () => {
  it('counts whitespace-separated tokens', () => {
    expect(wordCount('Today was a good day.')).toBe(5);
  });

  it('ignores leading, trailing and repeated whitespace of any kind', () => {
    expect(wordCount('  one\t two\n\nthree \u00a0 four  ')).toBe(4);
  });

  it('is 0 for empty or blank text', () => {
    expect(wordCount('')).toBe(0);
    expect(wordCount(' \n\t ')).toBe(0);
  });

  it('counts punctuation-only tokens as words, as the contract defines it', () => {
    expect(wordCount('well - okay')).toBe(3);
  });
});

describe('readingTimeMinutes', () => {
  it.each([
    [0, 1],
    [1, 1],
    [199, 1],
    [200, 1],
    [399, 1],
    [400, 2],
    [1000, 5],
  ])('%i words take %i minute(s)', (words, minutes) => {
    expect(readingTimeMinutes(words)).toBe(minutes);
  });
});

describe('detectLanguage', () => {
  it.each([
    'Today was a really good day and I felt grateful for my friends.',
    'I am not sure what to think about the meeting with my manager.',
    'Went for a run this morning. It helped.',
  ])('reads English: %s', (s) => {
    expect(detectLanguage(s)).toBe('en');
  });

  it.each([
    'Heute war ein schöner Tag und ich bin sehr glücklich.',
    'Ich habe heute nicht viel gemacht, aber das ist auch okay.',
    'Mein Chef hat mich gestern wieder kritisiert und ich weiß nicht, was ich tun soll.',
    'ICH BIN MÜDE UND TRAURIG',
    'Größere Übungen für Körper und Geist.',
  ])('reads German: %s', (s) => {
    expect(detectLanguage(s)).toBe('de');
  });

  it('does not let one German loanword turn English text German', () => {
    expect(detectLanguage('I felt über tired today and my brain is mush.')).toBe('en');
  });

  it('defaults to English when there is nothing to go on', () => {
    expect(detectLanguage('')).toBe('en');
    expect(detectLanguage('12345 !!!')).toBe('en');
  });
});

describe('hasMinimumContent', () => {
  it('needs at least 3 non-whitespace characters by default', () => {
    expect(hasMinimumContent('abc')).toBe(true);
    expect(hasMinimumContent('ab')).toBe(false);
    expect(hasMinimumContent(' a \n b \t ')).toBe(false);
    expect(hasMinimumContent(' a b c ')).toBe(true);
    expect(hasMinimumContent('')).toBe(false);
  });

  it('honours a custom minimum', () => {
    expect(hasMinimumContent('hello', 5)).toBe(true);
    expect(hasMinimumContent('hell', 5)).toBe(false);
    expect(hasMinimumContent('', 0)).toBe(true);
  });

  it('counts an emoji as one character', () => {
    expect(hasMinimumContent('😀😀')).toBe(false);
    expect(hasMinimumContent('😀😀😀')).toBe(true);
  });
});

describe('cutToCharacters', () => {
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const a = (n: number) => 'a'.repeat(n);

  it('keeps text within the limit as it is', () => {
    expect(cutToCharacters('', 80)).toBe('');
    expect(cutToCharacters(a(80), 80)).toBe(a(80));
    expect(cutToCharacters(`${a(78)}\u{1F600}`, 80)).toBe(`${a(78)}\u{1F600}`);
  });

  it('never splits a surrogate pair, a modifier from its base or a mark from its letter', () => {
    expect(cutToCharacters(`${a(79)}\u{1F600} rest`, 80)).toBe(a(79));
    expect(cutToCharacters(`${a(77)}\u{1F44D}\u{1F3FD} rest`, 80)).toBe(a(77));
    expect(cutToCharacters(`${a(79)}e\u0301 rest`, 80)).toBe(a(79));
    // A family: four people joined by ZWJ, 11 units, one character.
    expect(cutToCharacters(`${a(75)}\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}`, 80)).toBe(a(75));
  });

  it('cuts a single character longer than the limit at a code point, never leaving a lone surrogate', () => {
    const zalgo = `\u{1F600}${'\u0301'.repeat(100)}`;
    expect(cutToCharacters(zalgo, 80)).toBe(`\u{1F600}${'\u0301'.repeat(78)}`);
    expect(cutToCharacters(`\u{1F600}\u{1F600}`, 3)).toBe('\u{1F600}');
  });

  it('is a prefix, within the limit, well-formed, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.integer({ min: 1, max: 100 }), (s, max) => {
        const cut = cutToCharacters(s, max);
        expect(s.startsWith(cut)).toBe(true);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(cut).not.toMatch(LONE_SURROGATE);
        if (s.length <= max) expect(cut).toBe(s);
      }),
      { seed: 162 },
    );
  });
});
