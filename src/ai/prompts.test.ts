import { describe, expect, it } from 'vitest';
import { EMOTION_LABELS } from '../domain/lexicon.js';
import { chatSystemPrompt, emotionSystemPrompt } from './prompts.js';
import { ChatReplySchema } from './schemas.js';

// What the prompts must carry for the structured output to parse and the reply to come in the right
// language; their wording is free. The msw stub answers whatever a prompt says, so only these tests notice
// a prompt that stopped asking for a field or switched language.

const input = { sessionType: 'reflection_buddy', mode: 'supportive_listening', style: 'empathetic' } as const;

describe('chatSystemPrompt', () => {
  it('is written in the conversation language, so small models answer in it', () => {
    const en = chatSystemPrompt({ ...input, language: 'en' });
    const de = chatSystemPrompt({ ...input, language: 'de' });
    expect(en).toMatch(/\bEnglish\b/);
    expect(en).not.toMatch(/\b(Du|Antworte|Deutsch)\b/);
    expect(de).toMatch(/\bDeutsch\b/);
    expect(de).not.toMatch(/\b(You|Answer|English)\b/);
  });

  it('names the session type, mode and style in words, not as enum identifiers', () => {
    for (const language of ['en', 'de'] as const) {
      const prompt = chatSystemPrompt({ ...input, language });
      for (const words of ['reflection buddy', 'supportive listening', 'empathetic']) expect(prompt).toContain(words);
      expect(prompt).not.toMatch(/reflection_buddy|supportive_listening/);
    }
  });

  it('asks for every field of the reply schema, with the allowed values of the bounded ones', () => {
    for (const language of ['en', 'de'] as const) {
      const prompt = chatSystemPrompt({ ...input, language });
      for (const field of Object.keys(ChatReplySchema.shape)) expect(prompt, `${language}: ${field}`).toContain(`${field} (`);
      expect(prompt).toMatch(/confidence \(0 (to|bis) 1\)/);
      expect(prompt).toMatch(/support_level \(low, moderate (or|oder) high\)/);
    }
  });
});

describe('emotionSystemPrompt', () => {
  it('names the language of the excerpt, so German is not analysed as English', () => {
    expect(emotionSystemPrompt('en')).toMatch(/English \(en\)/);
    expect(emotionSystemPrompt('de')).toMatch(/German \(de\)/);
  });

  it('asks for a score per label, the polarity range and the JSON shape the schema parses', () => {
    for (const language of ['en', 'de'] as const) {
      const prompt = emotionSystemPrompt(language);
      expect(prompt).toContain(EMOTION_LABELS.join(', '));
      expect(prompt).toMatch(/-1 .*1/);
      expect(prompt).toContain('"emotions"');
      expect(prompt).toContain('"polarity"');
    }
  });
});
