import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOllamaClient } from './client.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createOllamaClient', () => {
  it('uses the fetch installed after construction and the configured host', async () => {
    const client = createOllamaClient('http://ollama.example:1234', 1_000);
    const seen: string[] = [];
    vi.stubGlobal('fetch', (input: string | URL | Request) => {
      seen.push(String(input));
      return Promise.resolve(Response.json({ version: '1.2.3' }));
    });

    await expect(client.version()).resolves.toEqual({ version: '1.2.3' });
    expect(seen).toEqual(['http://ollama.example:1234/api/version']);
  });

  it('aborts a call that outlives the timeout with a TimeoutError', async () => {
    const client = createOllamaClient('http://ollama.example:1234', 20);
    vi.stubGlobal('fetch', (_input: unknown, init: RequestInit = {}) => {
      return new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    });

    await expect(client.list()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('keeps the caller signal working alongside the timeout', async () => {
    const client = createOllamaClient('http://ollama.example:1234', 60_000);
    let signal: AbortSignal | undefined;
    vi.stubGlobal('fetch', (_input: unknown, init: RequestInit = {}) => {
      signal = init.signal ?? undefined;
      const body = new ReadableStream<Uint8Array>({ start: () => undefined });
      return Promise.resolve(new Response(body, { headers: { 'Content-Type': 'application/x-ndjson' } }));
    });

    await client.chat({ model: 'm', messages: [], stream: true });
    expect(signal?.aborted).toBe(false);
    // The client aborts its open streams through the signal it passed to fetch.
    client.abort();
    expect(signal?.aborted).toBe(true);
  });
});
