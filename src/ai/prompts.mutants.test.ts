import { describe, expect, it } from 'vitest';
import { EMOTION_LABELS } from '../domain/lexicon.js';
import { chatSystemPrompt, emotionSystemPrompt } from './prompts.js';
import { ChatReplySchema } from './schemas.js';

// Written against the survivors of a Stryker run (stryker.config.mjs): the prompts are what a real model
// sees, and the stub answers whatever they say, so nothing else would notice them going wrong.

const input = { sessionType: 'reflection_buddy', mode: 'supportive_listening', style: 'empathetic' } as const;

describe('chatSystemPrompt (mutation-driven)', () => {
  it('is written in the conversation language: English for en, German for de', () => {
    const en = chatSystemPrompt({ ...input, language: 'en' });
    const de = chatSystemPrompt({ ...input, language: 'de' });
    expect(en).toContain('You are an empathetic companion inside a journaling app. You are not a replacement for therapy.');
    expect(en).toContain('Answer in English, in two to four sentences, warm and specific, and ask at most one question.');
    expect(en).not.toMatch(/Du bist|Antworte/);
    expect(de).toContain('Du bist ein einfühlsamer Begleiter in einer Tagebuch-App. Du ersetzt keine Therapie.');
    expect(de).toContain('Antworte auf Deutsch, in zwei bis vier Sätzen, warm und konkret, und stelle höchstens eine Frage.');
    expect(de).not.toMatch(/You are|Answer in English/);
  });

  it('names session type, mode and style in words, one instruction per line', () => {
    expect(chatSystemPrompt({ ...input, language: 'en' }).split('\n')[1]).toBe(
      'Session type: reflection buddy. Conversation mode: supportive listening. Response style: empathetic.',
    );
    expect(chatSystemPrompt({ ...input, language: 'de' }).split('\n')[1]).toBe(
      'Sitzungsart: reflection buddy. Gesprächsmodus: supportive listening. Antwortstil: empathetic.',
    );
  });

  it('asks for every field of the reply schema, with its allowed values', () => {
    for (const language of ['en', 'de'] as const) {
      const prompt = chatSystemPrompt({ ...input, language });
      expect(prompt.split('\n')).toHaveLength(6);
      for (const field of Object.keys(ChatReplySchema.shape)) expect(prompt).toContain(`${field} (`);
      expect(prompt).toMatch(/confidence \(0 (to|bis) 1\)/);
      expect(prompt).toMatch(/support_level \(low, moderate (or|oder) high\)/);
    }
  });
});

describe('emotionSystemPrompt (mutation-driven)', () => {
  it('names the language, every label, the polarity range and the JSON shape, one per line', () => {
    expect(emotionSystemPrompt('de').split('\n')).toEqual([
      'You rate the emotions expressed in a journal excerpt written in German (de).',
      `Give every label a score from 0 to 1: ${EMOTION_LABELS.join(', ')}.`,
      'Give polarity from -1 (very negative) to 1 (very positive).',
      'Return only JSON: {"emotions": {<label>: <score>, ...}, "polarity": <number>}.',
    ]);
    expect(emotionSystemPrompt('en')).toContain('written in English (en).');
    for (const label of EMOTION_LABELS) expect(emotionSystemPrompt('en')).toContain(label);
    expect(emotionSystemPrompt('en')).toContain(EMOTION_LABELS.slice(0, 2).join(', '));
  });
});
