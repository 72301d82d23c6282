import { describe, expect, it } from 'vitest';
import { AiError } from '../ai/errors.js';
import { detectLanguage } from '../domain/text.js';
import { createContentSource, type Generator } from './generate.js';
import { offlineEntry } from './offline.js';
import type { PlannedEntry, PlannedSession } from './plan.js';

const entry: PlannedEntry = {
  kind: 'entry',
  id: 'entry-0',
  date: '2025-07-01',
  at: '2025-07-01T08:00:00.000Z',
  language: 'de',
  theme: 'meine Morgenroutine',
  category: 'daily',
  topic: 'Alltag',
};
const session: PlannedSession = {
  kind: 'session',
  id: 'session-0',
  date: '2025-07-01',
  language: 'en',
  theme: 'handling stress',
  sessionType: 'inner_voice',
  conversationMode: 'mindfulness_coaching',
  turnTimes: ['2025-07-01T08:00:00.000Z', '2025-07-01T08:02:00.000Z', '2025-07-01T08:04:00.000Z'],
};

/** Answers from a script; each call takes the next step (an answer or an error). */
function scripted(...steps: (unknown | Error)[]): Generator & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async generate<T>(schema: { parse(v: unknown): T }, prompt: string): Promise<T> {
      calls.push(prompt);
      const step = steps.shift();
      if (step instanceof Error) throw step;
      return schema.parse(step);
    },
  } as Generator & { calls: string[] };
}

const german = {
  title: 'Mein Morgen',
  content: 'Heute bin ich früh aufgestanden und habe mir Zeit für einen Kaffee genommen. Ich war ruhig und das war gut.',
};

describe('content generation', () => {
  it('uses the model answer when it is valid and in the item language', async () => {
    const gen = scripted(german);
    const out = await createContentSource({ seed: 1, generator: gen }).entry(entry);
    expect(out).toEqual({ value: german, source: 'model' });
    expect(gen.calls[0]).toContain('meine Morgenroutine');
  });

  it('retries once, then falls back to the offline generator and says why', async () => {
    const gen = scripted(new AiError('timeout', 'no answer within 20 ms'), new AiError('schema_mismatch', 'bad shape'));
    const out = await createContentSource({ seed: 1, generator: gen }).entry(entry);
    expect(gen.calls).toHaveLength(2);
    expect(out.source).toBe('offline');
    expect(out.value).toEqual(offlineEntry(1, entry));
    expect(out.fallbackReason).toMatch(/timeout.*schema_mismatch/);
  });

  it('a second attempt that succeeds is not a fallback', async () => {
    const out = await createContentSource({ seed: 1, generator: scripted(new AiError('network', 'refused'), german) }).entry(entry);
    expect(out.source).toBe('model');
    expect(out.fallbackReason).toBeUndefined();
  });

  it('treats an answer in the wrong language as a failure', async () => {
    const english = {
      title: 'My morning',
      content: 'Today I got up early and I had some time for coffee. It was really good and I felt calm.',
    };
    const out = await createContentSource({ seed: 1, generator: scripted(english, english) }).entry(entry);
    expect(out.source).toBe('offline');
    expect(detectLanguage(out.value.content)).toBe('de');
    expect(out.fallbackReason).toContain('expected de');
  });

  it('asks for exactly one message per planned turn', async () => {
    const turns = [
      'I feel stressed about work lately.',
      'I think it is the deadlines, they pile up.',
      'Maybe I could plan my week better.',
    ];
    const out = await createContentSource({ seed: 1, generator: scripted({ turns: turns.map((message) => ({ message })) }) }).session(
      session,
    );
    expect(out.value.turns).toEqual(turns);
    const short = await createContentSource({
      seed: 1,
      generator: scripted({ turns: [{ message: 'only one message here' }] }, { turns: [] }),
    }).session(session);
    expect(short.source).toBe('offline');
    expect(short.value.turns).toHaveLength(3);
  });

  it('offline mode never asks a model and records no fallback', async () => {
    const out = await createContentSource({ seed: 1 }).session(session);
    expect(out.source).toBe('offline');
    expect(out.fallbackReason).toBeUndefined();
  });
});
