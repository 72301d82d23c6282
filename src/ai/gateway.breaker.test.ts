import { describe, expect, it } from 'vitest';
import { useOllamaMswServer, malformedJson, recordTraffic, serverError, stubAiConfig } from '../../fixtures/ollama/index.js';
import { createAiGateway, type ReplyInput } from './gateway.js';

const server = useOllamaMswServer();

const input: ReplyInput = {
  message: 'Today was fine, a bit tiring.',
  history: [],
  language: 'en',
  sessionType: 'free_chat',
  style: 'reflective',
  mode: 'supportive_listening',
};

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const breaker = { failureThreshold: 3, cooldownMs: 10_000 };

describe('circuit breaker in the gateway', () => {
  it('opens after N consecutive failures and then answers without any request', async () => {
    server.use(...serverError({ path: 'chat' }));
    const traffic = recordTraffic(server);
    const gateway = createAiGateway(stubAiConfig({ breaker }), fakeClock());

    for (let i = 0; i < 2; i++) await gateway.reply(input);
    expect(gateway.breakerState()).toBe('closed');
    await gateway.reply(input);
    expect(gateway.breakerState()).toBe('open');
    expect(traffic.count('/api/chat')).toBe(3);

    const skipped = await gateway.reply(input);
    const emotion = await gateway.analyzeEmotion('I am so happy and grateful today.');
    traffic.stop();

    expect(skipped).toMatchObject({ fallback: true });
    expect(skipped.error).toMatch(/^breaker_open:/);
    expect(emotion).toMatchObject({ fallback: true, model: 'lexicon-fallback' });
    expect(traffic.count('/api/chat')).toBe(3);
  });

  it('does not count answers that arrive but fail validation', async () => {
    server.use(...malformedJson({ path: 'chat' }));
    const gateway = createAiGateway(stubAiConfig({ breaker }), fakeClock());
    for (let i = 0; i < 5; i++) expect((await gateway.reply(input)).fallback).toBe(true);
    expect(gateway.breakerState()).toBe('closed');
  });

  it('lets one trial through after the cooldown and closes when it succeeds', async () => {
    server.use(...serverError({ path: 'chat' }));
    const clock = fakeClock();
    const traffic = recordTraffic(server);
    const gateway = createAiGateway(stubAiConfig({ breaker }), clock);
    for (let i = 0; i < 3; i++) await gateway.reply(input);

    clock.advance(breaker.cooldownMs - 1);
    expect(gateway.breakerState()).toBe('open');
    await gateway.reply(input);
    expect(traffic.count('/api/chat')).toBe(3);

    clock.advance(1);
    expect(gateway.breakerState()).toBe('half_open');
    server.resetHandlers();
    const recovered = await gateway.reply(input);
    traffic.stop();

    expect(recovered.fallback).toBe(false);
    expect(gateway.breakerState()).toBe('closed');
    expect(traffic.count('/api/chat')).toBe(4);
  });

  it('reopens for a full cooldown when the trial fails', async () => {
    server.use(...serverError({ path: 'chat' }));
    const clock = fakeClock();
    const gateway = createAiGateway(stubAiConfig({ breaker }), clock);
    for (let i = 0; i < 3; i++) await gateway.reply(input);

    clock.advance(breaker.cooldownMs);
    const trial = await gateway.reply(input);
    expect(trial.error).toMatch(/^http:/);
    expect(gateway.breakerState()).toBe('open');
    clock.advance(breaker.cooldownMs - 1);
    expect(gateway.breakerState()).toBe('open');
    clock.advance(1);
    expect(gateway.breakerState()).toBe('half_open');
  });

  it('resets the failure count after a success', async () => {
    const gateway = createAiGateway(stubAiConfig({ breaker }), fakeClock());
    server.use(...serverError({ path: 'chat' }));
    for (let i = 0; i < 2; i++) await gateway.reply(input);
    server.resetHandlers();
    await gateway.reply(input);
    server.use(...serverError({ path: 'chat' }));
    for (let i = 0; i < 2; i++) await gateway.reply(input);
    expect(gateway.breakerState()).toBe('closed');
  });
});
