import { describe, expect, it } from 'vitest';
import { aiConfigFromEnv } from './config.js';

describe('aiConfigFromEnv', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(aiConfigFromEnv({})).toEqual({
      host: 'http://127.0.0.1:11434',
      chatModel: 'llama3.2',
      emotionModel: 'llama3.2',
      timeoutMs: 20_000,
      probeTimeoutMs: 1_000,
      probeCacheMs: 3_000,
      breaker: { failureThreshold: 3, cooldownMs: 10_000 },
    });
  });

  it('reads every variable', () => {
    const config = aiConfigFromEnv({
      OLLAMA_HOST: 'https://ollama.internal:8443/',
      OLLAMA_CHAT_MODEL: 'qwen2.5:0.5b',
      OLLAMA_EMOTION_MODEL: 'llama3.2:1b',
      OLLAMA_TIMEOUT_MS: '5000',
      OLLAMA_PROBE_TIMEOUT_MS: '250',
      OLLAMA_PROBE_CACHE_MS: '0',
      OLLAMA_BREAKER_THRESHOLD: '5',
      OLLAMA_BREAKER_COOLDOWN_MS: '30000',
    });
    expect(config).toEqual({
      host: 'https://ollama.internal:8443',
      chatModel: 'qwen2.5:0.5b',
      emotionModel: 'llama3.2:1b',
      timeoutMs: 5_000,
      probeTimeoutMs: 250,
      probeCacheMs: 0,
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
    });
  });

  it('defaults the emotion model to the chat model', () => {
    expect(aiConfigFromEnv({ OLLAMA_CHAT_MODEL: 'mistral' }).emotionModel).toBe('mistral');
  });

  it('accepts the bare host:port form Ollama itself accepts', () => {
    expect(aiConfigFromEnv({ OLLAMA_HOST: 'ollama:11434' }).host).toBe('http://ollama:11434');
    expect(aiConfigFromEnv({ OLLAMA_HOST: '10.0.0.5:11434' }).host).toBe('http://10.0.0.5:11434');
  });

  it('drops every trailing slash of the host', () => {
    expect(aiConfigFromEnv({ OLLAMA_HOST: 'http://model:11434///' }).host).toBe('http://model:11434');
  });

  it('treats empty variables as unset', () => {
    expect(aiConfigFromEnv({ OLLAMA_HOST: '', OLLAMA_TIMEOUT_MS: ' ' })).toMatchObject({
      host: 'http://127.0.0.1:11434',
      timeoutMs: 20_000,
    });
  });

  it.each([
    ['OLLAMA_TIMEOUT_MS', 'soon'],
    ['OLLAMA_TIMEOUT_MS', '0'],
    ['OLLAMA_PROBE_TIMEOUT_MS', '-1'],
    ['OLLAMA_PROBE_CACHE_MS', '1.5'],
    ['OLLAMA_BREAKER_THRESHOLD', '0'],
    ['OLLAMA_BREAKER_COOLDOWN_MS', '1e3'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => aiConfigFromEnv({ [name]: value })).toThrow(name);
  });

  it('rejects a host that is not http(s)', () => {
    expect(() => aiConfigFromEnv({ OLLAMA_HOST: 'ftp://x:21' })).toThrow('OLLAMA_HOST');
    expect(() => aiConfigFromEnv({ OLLAMA_HOST: 'http://' })).toThrow('OLLAMA_HOST');
  });
});
