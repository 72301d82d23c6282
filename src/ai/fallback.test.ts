import { describe, expect, it } from 'vitest';
import { analyzeWithLexicon } from '../domain/lexicon.js';
import { fallbackEmotion, fallbackReply } from './fallback.js';

const messages = Array.from({ length: 40 }, (_, i) => `Message ${i}: today I thought about my family.`);

describe('fallbackReply', () => {
  it('is stable for the same message and seed', () => {
    expect(fallbackReply('Hello there', 'en', 's1')).toBe(fallbackReply('Hello there', 'en', 's1'));
  });

  it('uses several replies per language, in that language', () => {
    const en = new Set(messages.map((m) => fallbackReply(m, 'en')));
    const de = new Set(messages.map((m) => fallbackReply(m, 'de')));
    expect(en.size).toBeGreaterThanOrEqual(3);
    expect(de.size).toBeGreaterThanOrEqual(3);
    for (const reply of de) expect(reply).toMatch(/\b(du|dir|dich|Danke|Ich)\b/);
    for (const reply of en) expect(reply).toMatch(/\b(you|I)\b/);
    expect([...en].some((r) => de.has(r))).toBe(false);
  });

  it('lets the seed vary the reply for an identical message', () => {
    const replies = new Set(Array.from({ length: 20 }, (_, turn) => fallbackReply('ok', 'en', String(turn))));
    expect(replies.size).toBeGreaterThan(1);
  });

  it('never produces the old apology sentinel', () => {
    for (const m of messages) {
      for (const lang of ['en', 'de'] as const) expect(fallbackReply(m, lang)).not.toMatch(/sorry|couldn't generate|leider/i);
    }
  });
});

describe('fallbackEmotion', () => {
  it('is the lexicon analysis in the given language', () => {
    const text = 'Ich bin so glücklich und dankbar heute.';
    expect(fallbackEmotion(text, 'de')).toEqual(analyzeWithLexicon(text, 'de'));
  });
});
