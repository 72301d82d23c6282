import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordTraffic, serverError, stubAiConfig, useOllamaMswServer } from '../../fixtures/ollama/index.js';
import { LEXICON_MODEL, createAiGateway } from './gateway.js';
import { emotionSystemPrompt } from './prompts.js';

// Written against the survivors of a Stryker run (stryker.config.mjs).

const server = useOllamaMswServer();

describe('gateway (mutation-driven)', () => {
  it('a fallback reply claims nothing the model did not say: no follow-ups, crisis indicators or topics', async () => {
    server.use(...serverError({ path: 'chat' }));
    const gateway = createAiGateway(stubAiConfig({ breaker: { failureThreshold: 100, cooldownMs: 0 } }));
    const reply = await gateway.reply({
      message: 'I had a long day.',
      history: [],
      language: 'en',
      sessionType: 'free_chat',
      style: 'empathetic',
      mode: 'supportive_listening',
    });
    expect(reply).toMatchObject({
      fallback: true,
      techniques: [],
      follow_ups: [],
      crisis_indicators: [],
      next_topics: [],
      confidence: 0,
      support_level: 'moderate',
    });
  });

  it('sends the emotion prompt as the system message of every chunk', async () => {
    const traffic = recordTraffic(server);
    await createAiGateway(stubAiConfig()).analyzeEmotion('Heute war ich traurig, aber auch dankbar für meine Freunde und die Sonne.');
    traffic.stop();
    const calls = await traffic.calls();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const messages = (call.body as { messages: { role: string; content: string }[] }).messages;
      expect(messages[0]).toEqual({ role: 'system', content: emotionSystemPrompt('de') });
      expect(messages[1]?.role).toBe('user');
    }
  });

  it('answers a blank entry from the lexicon without calling the model: neutral, fully confident', async () => {
    const traffic = recordTraffic(server);
    const analysis = await createAiGateway(stubAiConfig()).analyzeEmotion(' \n\t ');
    traffic.stop();
    expect(traffic.count()).toBe(0);
    expect(analysis).toMatchObject({
      primary_emotion: 'neutral',
      confidence: 1,
      sentiment_polarity: 0,
      model: LEXICON_MODEL,
      fallback: false,
      chunks: 0,
    });
    expect(analysis.secondary_emotions).toHaveLength(3);
  });

  it('generate without a system prompt sends only the user message, at the chat temperature', async () => {
    const traffic = recordTraffic(server);
    const Schema = z.object({ title: z.string() });
    await createAiGateway(stubAiConfig()).generate(Schema, 'Name a rainy day.');
    await createAiGateway(stubAiConfig()).generate(Schema, 'Name a sunny day.', { temperature: 0.1 });
    traffic.stop();
    const [plain, cool] = await traffic.calls();
    expect((plain?.body as { messages: unknown }).messages).toEqual([{ role: 'user', content: 'Name a rainy day.' }]);
    expect((plain?.body as { options: { temperature: number } }).options.temperature).toBe(0.7);
    expect((cool?.body as { options: { temperature: number } }).options.temperature).toBe(0.1);
  });

  it('reports the probe latency as elapsed time, up or down', async () => {
    const gateway = createAiGateway(stubAiConfig({ probeCacheMs: 0 }));
    let started = performance.now();
    const up = await gateway.probe();
    let elapsed = performance.now() - started;
    expect(up.available).toBe(true);
    expect(up.latency_ms).toBeGreaterThanOrEqual(0);
    expect(up.latency_ms).toBeLessThanOrEqual(Math.ceil(elapsed) + 1);

    server.use(...serverError({ path: 'tags' }));
    started = performance.now();
    const down = await gateway.probe();
    elapsed = performance.now() - started;
    expect(down.available).toBe(false);
    expect(down.latency_ms).toBeGreaterThanOrEqual(0);
    expect(down.latency_ms).toBeLessThanOrEqual(Math.ceil(elapsed) + 1);
  });
});
