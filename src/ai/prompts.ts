import { EMOTION_LABELS } from '../domain/lexicon.js';
import type { AiLanguage } from './fallback.js';

export interface ChatPromptInput {
  language: AiLanguage;
  sessionType: string;
  style: string;
  mode: string;
}

// The prompt is written in the conversation's language because small local models drift into
// English when instructed in English, even when told to answer in German.
export function chatSystemPrompt({ language, sessionType, style, mode }: ChatPromptInput): string {
  const human = (s: string) => s.replaceAll('_', ' ');
  if (language === 'de') {
    return [
      'Du bist ein einfühlsamer Begleiter in einer Tagebuch-App. Du ersetzt keine Therapie.',
      `Sitzungsart: ${human(sessionType)}. Gesprächsmodus: ${human(mode)}. Antwortstil: ${human(style)}.`,
      'Antworte auf Deutsch, in zwei bis vier Sätzen, warm und konkret, und stelle höchstens eine Frage.',
      'Gib ausschließlich JSON mit diesen Feldern zurück: reply (deine Antwort), techniques (verwendete Methoden),',
      'follow_up_suggestions (mögliche nächste Fragen), crisis_indicators (Hinweise auf eine Krise, sonst leer),',
      'next_topics (Themen für später), confidence (0 bis 1), support_level (low, moderate oder high).',
    ].join('\n');
  }
  return [
    'You are an empathetic companion inside a journaling app. You are not a replacement for therapy.',
    `Session type: ${human(sessionType)}. Conversation mode: ${human(mode)}. Response style: ${human(style)}.`,
    'Answer in English, in two to four sentences, warm and specific, and ask at most one question.',
    'Return only JSON with these fields: reply (your answer), techniques (methods you used),',
    'follow_up_suggestions (possible next questions), crisis_indicators (signs of a crisis, else empty),',
    'next_topics (topics for later), confidence (0 to 1), support_level (low, moderate or high).',
  ].join('\n');
}

const LANGUAGE_NAMES: Record<AiLanguage, string> = { en: 'English', de: 'German' };

// Naming the language matters: the original analysed German entries as if they were English.
export function emotionSystemPrompt(language: AiLanguage): string {
  return [
    `You rate the emotions expressed in a journal excerpt written in ${LANGUAGE_NAMES[language]} (${language}).`,
    `Give every label a score from 0 to 1: ${EMOTION_LABELS.join(', ')}.`,
    'Give polarity from -1 (very negative) to 1 (very positive).',
    'Return only JSON: {"emotions": {<label>: <score>, ...}, "polarity": <number>}.',
  ].join('\n');
}
