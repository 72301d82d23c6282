import { describe, it, expect } from 'vitest';
import { wordTokens } from './tokens.js';

describe('wordTokens', () => {
  it('lower-cases and drops punctuation and digits', () => {
    expect(wordTokens('Hello, WORLD! 42 times.')).toEqual(['hello', 'world', 'times']);
  });

  it('keeps umlauts and ß inside words', () => {
    expect(wordTokens('Größe Übermut, schön!')).toEqual(['größe', 'übermut', 'schön']);
  });

  it('composes decomposed umlauts so they match precomposed spellings', () => {
    expect(wordTokens('glu\u0308cklich')).toEqual(['glücklich']);
  });

  it('keeps contractions whole and unifies the typographic apostrophe', () => {
    expect(wordTokens("I don’t know, it isn't")).toEqual(['i', "don't", 'know', 'it', "isn't"]);
  });

  it('returns nothing for text without letters', () => {
    expect(wordTokens(' 123 … !? ')).toEqual([]);
  });
});
