import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useOllamaMswServer, malformedJson, recordTraffic, serverError, stubAiConfig, timeout } from '../../fixtures/ollama/index.js';
import { AiError } from './errors.js';
import { createAiGateway } from './gateway.js';
import { toFormat } from './schemas.js';

const server = useOllamaMswServer();

const EntrySchema = z.object({
  title: z.string().min(3).max(60),
  content: z.string().min(40),
  mood: z.enum(['very_positive', 'positive', 'neutral', 'negative', 'very_negative']),
  tags: z.array(z.string()).min(1).max(3),
  minutes: z.int().min(5).max(90),
});

async function rejection(promise: Promise<unknown>): Promise<AiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AiError)) throw new Error(`expected an AiError, got ${String(err)}`);
  return err;
}

describe('generate', () => {
  it('returns a value validated by the caller schema, sent as the format', async () => {
    const traffic = recordTraffic(server);
    const entry = await createAiGateway(stubAiConfig()).generate(EntrySchema, 'Write a journal entry about a rainy Sunday.', {
      system: 'You write realistic journal entries.',
      model: 'writer',
    });
    traffic.stop();
    const [call] = await traffic.calls();

    expect(EntrySchema.parse(entry)).toEqual(entry);
    expect(call?.body).toMatchObject({
      model: 'writer',
      stream: false,
      format: toFormat(EntrySchema),
      messages: [
        { role: 'system', content: 'You write realistic journal entries.' },
        { role: 'user', content: 'Write a journal entry about a rainy Sunday.' },
      ],
    });
  });

  it('throws a classified AiError instead of falling back', async () => {
    const gateway = createAiGateway(stubAiConfig({ timeoutMs: 50, breaker: { failureThreshold: 100, cooldownMs: 0 } }));

    server.use(...malformedJson({ path: 'chat', kind: 'schema', once: true }));
    expect((await rejection(gateway.generate(EntrySchema, 'p'))).kind).toBe('schema_mismatch');

    server.use(...serverError({ path: 'chat', status: 404, message: 'model "writer" not found', once: true }));
    const notFound = await rejection(gateway.generate(EntrySchema, 'p'));
    expect(notFound).toMatchObject({ kind: 'http', status: 404 });

    server.use(...timeout({ path: 'chat', once: true }));
    expect((await rejection(gateway.generate(EntrySchema, 'p'))).kind).toBe('timeout');
  });

  it('goes through the breaker, so an open breaker rejects without a request', async () => {
    server.use(...serverError({ path: 'chat' }));
    const traffic = recordTraffic(server);
    const gateway = createAiGateway(stubAiConfig({ breaker: { failureThreshold: 2, cooldownMs: 60_000 } }));
    for (let i = 0; i < 2; i++) await rejection(gateway.generate(EntrySchema, 'p'));
    const blocked = await rejection(gateway.generate(EntrySchema, 'p'));
    traffic.stop();

    expect(blocked.kind).toBe('breaker_open');
    expect(traffic.count('/api/chat')).toBe(2);
  });
});

describe('generate without a system prompt', () => {
  it('sends only the user message, at the chat temperature unless one is given', async () => {
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
});

describe('probe', () => {
  it('reports a reachable Ollama and caches the result for probeCacheMs', async () => {
    let t = 0;
    const traffic = recordTraffic(server);
    const gateway = createAiGateway(stubAiConfig({ probeCacheMs: 3_000 }), { now: () => t });

    const first = await gateway.probe();
    t = 2_999;
    await gateway.probe();
    expect(traffic.count('/api/tags')).toBe(1);
    t = 3_000;
    await gateway.probe();
    traffic.stop();

    expect(first.available).toBe(true);
    expect(first.error).toBeUndefined();
    expect(first.latency_ms).toBeGreaterThanOrEqual(0);
    expect(traffic.count('/api/tags')).toBe(2);
  });

  it('shares one request between concurrent probes and re-probes every time without a cache', async () => {
    const traffic = recordTraffic(server);
    const gateway = createAiGateway(stubAiConfig({ probeCacheMs: 0 }));
    await Promise.all([gateway.probe(), gateway.probe(), gateway.probe()]);
    expect(traffic.count('/api/tags')).toBe(1);
    await gateway.probe();
    traffic.stop();
    expect(traffic.count('/api/tags')).toBe(2);
  });

  it('reports an unreachable Ollama within the probe timeout while model calls keep their own', async () => {
    server.use(...timeout({ path: 'tags' }));
    const gateway = createAiGateway(stubAiConfig({ probeTimeoutMs: 30, timeoutMs: 5_000 }));
    const probe = await gateway.probe();
    const reply = await gateway.reply({
      message: 'hello',
      history: [],
      language: 'en',
      sessionType: 'free_chat',
      style: 'empathetic',
      mode: 'supportive_listening',
    });

    expect(probe).toMatchObject({ available: false, error: 'timeout: no answer within 30 ms' });
    expect(reply.fallback).toBe(false);
  });

  it('reports the latency as the elapsed time of the probe, up or down', async () => {
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

  it('reports an HTTP error as unavailable and caches that too', async () => {
    server.use(...serverError({ path: 'tags' }));
    const traffic = recordTraffic(server);
    const gateway = createAiGateway(stubAiConfig({ probeCacheMs: 60_000 }));
    const probe = await gateway.probe();
    server.resetHandlers();
    const cached = await gateway.probe();
    traffic.stop();

    expect(probe).toMatchObject({ available: false });
    expect(probe.error).toMatch(/^http: HTTP 500/);
    expect(cached).toEqual(probe);
    expect(traffic.count('/api/tags')).toBe(1);
  });
});
