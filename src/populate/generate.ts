import { z } from 'zod';
import type { Language } from '../contract/enums.js';
import type { GenerateOptions } from '../ai/gateway.js';
import { detectLanguage } from '../domain/text.js';
import { offlineEntry, offlineSession, type EntryContent, type SessionContent } from './offline.js';
import type { PlannedEntry, PlannedSession } from './plan.js';
import { SESSION_PURPOSE } from './themes.js';

export type { EntryContent, SessionContent } from './offline.js';

/** The part of the AI gateway generation needs: it throws on any failure, leaving retries to us. */
export interface Generator {
  generate<T>(schema: z.ZodType<T>, prompt: string, opts?: GenerateOptions): Promise<T>;
}

export interface Generated<T> {
  value: T;
  source: 'model' | 'offline';
  /** Set when the model was asked and failed twice: a model fallback the report must count. */
  fallbackReason?: string;
}

export interface ContentSource {
  entry(item: PlannedEntry): Promise<Generated<EntryContent>>;
  session(item: PlannedSession): Promise<Generated<SessionContent>>;
}

const EntryDraft = z.object({
  title: z.string().trim().min(3).max(120),
  content: z.string().trim().min(40).max(8000),
});

function chatScript(turns: number) {
  return z.object({
    turns: z.array(z.object({ message: z.string().trim().min(3).max(1500) })).length(turns),
  });
}

// Sampling at temperature 0 keeps a re-run with the same seed as close to the first run as the model allows.
const TEMPERATURE = 0;
const ATTEMPTS = 2;

export function entryPrompt(item: PlannedEntry): string {
  return item.language === 'de'
    ? `Schreibe einen persönlichen Tagebucheintrag in der Ich-Form über: ${item.theme}. 120 bis 250 Wörter, ehrlich und konkret, mit Gefühlen und kleinen Details. Gib einen kurzen Titel (3 bis 6 Wörter) und den Text zurück, beides auf Deutsch.`
    : `Write a personal first-person journal entry about: ${item.theme}. 120 to 250 words, honest and concrete, with feelings and small details. Return a short title (3 to 6 words) and the text, both in English.`;
}

export function sessionPrompt(item: PlannedSession): string {
  const n = item.turnTimes.length;
  const purpose = SESSION_PURPOSE[item.sessionType][item.language];
  return item.language === 'de'
    ? `Eine Person spricht mit ${purpose} über: ${item.theme}. Schreibe genau ${n} aufeinanderfolgende Nachrichten dieser Person (je 1 bis 3 Sätze, auf Deutsch), die erste eröffnet das Gespräch, jede weitere führt es natürlich fort.`
    : `A person is talking to ${purpose} about: ${item.theme}. Write exactly ${n} consecutive messages from that person (1 to 3 sentences each, in English); the first opens the conversation, each next one naturally continues it.`;
}

/**
 * Model generation with one retry, then the deterministic offline text. A reply in the wrong language
 * counts as a failure too: a German item stored as English would defeat the language mix.
 */
export function createContentSource(opts: { seed: number; model?: string; generator?: Generator }): ContentSource {
  const { seed, generator } = opts;

  async function viaModel<T>(
    language: Language,
    ask: () => Promise<T>,
    text: (value: T) => string,
    offline: () => T,
  ): Promise<Generated<T>> {
    if (!generator) return { value: offline(), source: 'offline' };
    const reasons: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const value = await ask();
        const detected = detectLanguage(text(value));
        if (detected === language) return { value, source: 'model' };
        reasons.push(`model wrote ${detected}, expected ${language}`);
      } catch (err) {
        reasons.push(err instanceof Error ? err.message : String(err));
      }
    }
    return { value: offline(), source: 'offline', fallbackReason: reasons.join('; then ') };
  }

  const genOpts: GenerateOptions = { temperature: TEMPERATURE, ...(opts.model ? { model: opts.model } : {}) };

  return {
    entry: (item) =>
      viaModel(
        item.language,
        () => generator!.generate(EntryDraft, entryPrompt(item), genOpts),
        (v) => v.content,
        () => offlineEntry(seed, item),
      ),
    session: (item) =>
      viaModel(
        item.language,
        async () => ({
          turns: (await generator!.generate(chatScript(item.turnTimes.length), sessionPrompt(item), genOpts)).turns.map((t) => t.message),
        }),
        (v) => v.turns.join(' '),
        () => offlineSession(seed, item),
      ),
  };
}
