import { describe, expect, it } from 'vitest';
import {
  connectionRefused,
  useOllamaMswServer,
  looksGerman,
  malformedJson,
  recordTraffic,
  serverError,
  stubAiConfig,
  timeout,
} from '../../fixtures/ollama/index.js';
import { FALLBACK_CHAT_MODEL, createAiGateway, type ReplyInput } from './gateway.js';
import { ChatReplySchema, toFormat } from './schemas.js';

const server = useOllamaMswServer();

const english: ReplyInput = {
  message: 'I had a stressful day at work and could not focus at all.',
  history: [
    { role: 'user', content: 'Hi, I want to talk about work.' },
    { role: 'assistant', content: 'Of course. What is on your mind?' },
  ],
  language: 'en',
  sessionType: 'reflection_buddy',
  style: 'empathetic',
  mode: 'supportive_listening',
};
const german: ReplyInput = {
  ...english,
  message: 'Ich bin heute sehr müde und die Arbeit war anstrengend.',
  history: [],
  language: 'de',
};

// The old service stored this sentence as the assistant's answer whenever the model failed.
const OLD_SENTINEL = /I'm sorry, I couldn't generate a response/i;

describe('reply', () => {
  it('returns the model answer, validated, and sends a structured chat request', async () => {
    const traffic = recordTraffic(server);
    const result = await createAiGateway(stubAiConfig()).reply(english);
    traffic.stop();

    expect(result.fallback).toBe(false);
    expect(result.error).toBeUndefined();
    expect(result.model).toBe('llama3.2');
    const asSchema = ChatReplySchema.parse({
      reply: result.content,
      techniques: result.techniques,
      follow_up_suggestions: result.follow_ups,
      crisis_indicators: result.crisis_indicators,
      next_topics: result.next_topics,
      confidence: result.confidence,
      support_level: result.support_level,
    });
    expect(looksGerman(asSchema.reply)).toBe(false);

    const [call, ...more] = await traffic.calls();
    expect(more).toHaveLength(0);
    expect(call?.path).toBe('/api/chat');
    const body = call?.body as Record<string, unknown> & { messages: { role: string; content: string }[] };
    expect(body).toMatchObject({ model: 'llama3.2', stream: false, options: { temperature: 0.7 } });
    expect(body.format).toEqual(toFormat(ChatReplySchema));
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(body.messages[0]?.content).toMatch(/empathetic/);
    expect(body.messages.at(-1)?.content).toBe(english.message);
  });

  it('writes the system prompt and gets the answer in German for German input', async () => {
    const traffic = recordTraffic(server);
    const result = await createAiGateway(stubAiConfig()).reply(german);
    traffic.stop();

    expect(result.fallback).toBe(false);
    expect(looksGerman(result.content)).toBe(true);
    const [call] = await traffic.calls();
    const messages = (call?.body as { messages: { content: string }[] }).messages;
    expect(looksGerman(messages[0]?.content ?? '')).toBe(true);
  });

  it('falls back to a German sentence when Ollama answers 500', async () => {
    server.use(...serverError({ path: 'chat', message: 'model crashed' }));
    const result = await createAiGateway(stubAiConfig()).reply(german);

    expect(result).toMatchObject({ fallback: true, model: FALLBACK_CHAT_MODEL, confidence: 0, techniques: [] });
    expect(result.error).toMatch(/^http: HTTP 500: model crashed/);
    expect(result.content.length).toBeGreaterThan(10);
    expect(looksGerman(result.content)).toBe(true);
    expect(result.content).not.toMatch(OLD_SENTINEL);
  });

  it('claims nothing in a fallback that the model did not say: no techniques, follow-ups, crisis indicators or topics', async () => {
    server.use(...serverError({ path: 'chat' }));
    const gateway = createAiGateway(stubAiConfig({ breaker: { failureThreshold: 100, cooldownMs: 0 } }));
    expect(await gateway.reply(english)).toMatchObject({
      fallback: true,
      techniques: [],
      follow_ups: [],
      crisis_indicators: [],
      next_topics: [],
      confidence: 0,
      support_level: 'moderate',
    });
  });

  it('falls back when Ollama does not answer within the timeout', async () => {
    server.use(...timeout({ path: 'chat' }));
    const result = await createAiGateway(stubAiConfig({ timeoutMs: 50 })).reply(english);

    expect(result.fallback).toBe(true);
    expect(result.error).toBe('timeout: no answer within 50 ms');
    expect(looksGerman(result.content)).toBe(false);
  });

  it('falls back when the model answers text that is not JSON', async () => {
    server.use(...malformedJson({ path: 'chat' }));
    const result = await createAiGateway(stubAiConfig()).reply(english);

    expect(result.fallback).toBe(true);
    expect(result.error).toMatch(/^invalid_json:/);
  });

  it('falls back when the model answers JSON of the wrong shape', async () => {
    server.use(...malformedJson({ path: 'chat', kind: 'schema' }));
    const result = await createAiGateway(stubAiConfig()).reply(english);

    expect(result.fallback).toBe(true);
    expect(result.error).toMatch(/^schema_mismatch:.*reply/);
  });

  it('falls back when the connection fails', async () => {
    server.use(...connectionRefused({ path: 'chat' }));
    const result = await createAiGateway(stubAiConfig()).reply(english);

    expect(result.fallback).toBe(true);
    expect(result.error).toMatch(/^network:/);
  });

  it('gives the same fallback for the same turn and varies it across messages', async () => {
    server.use(...serverError({ path: 'chat' }));
    const gateway = createAiGateway(stubAiConfig({ breaker: { failureThreshold: 100, cooldownMs: 0 } }));
    const first = await gateway.reply(english);
    const again = await gateway.reply(english);
    expect(again.content).toBe(first.content);

    const messages = Array.from({ length: 12 }, (_, i) => `Entry number ${i} about my week.`);
    const replies = await Promise.all(messages.map((message) => gateway.reply({ ...english, message })));
    expect(new Set(replies.map((r) => r.content)).size).toBeGreaterThan(1);
  });
});
