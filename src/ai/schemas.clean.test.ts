import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChatReplySchema, cleanModelText, parseStructured } from './schemas.js';

describe('model text is cleaned before the schema reads it', () => {
  it('drops NUL and replaces lone surrogates, in every string and key, keeping pairs and other values', () => {
    expect(cleanModelText({ 'k\u0000': ['a\u0000b', 'x\uD800', '\uDC00y', '\uD83D\uDE00'], n: 1, b: true, z: null })).toEqual({
      k: ['ab', 'x\uFFFD', '\uFFFDy', '\uD83D\uDE00'],
      n: 1,
      b: true,
      z: null,
    });
  });

  it('a reply that is only NUL is empty after cleaning, so the schema refuses it (and the gateway falls back)', () => {
    const answer = {
      techniques: [],
      follow_up_suggestions: [],
      crisis_indicators: [],
      next_topics: [],
      confidence: 0.5,
      support_level: 'low',
    };
    expect(() => parseStructured(ChatReplySchema, JSON.stringify({ ...answer, reply: '\u0000\u0000' }))).toThrow(/schema_mismatch/);
    expect(parseStructured(ChatReplySchema, JSON.stringify({ ...answer, reply: 'ok\u0000' })).reply).toBe('ok');
    expect(parseStructured(z.object({ t: z.array(z.string()) }), '{"t":["\\u0000a"]}')).toEqual({ t: ['a'] });
  });
});
