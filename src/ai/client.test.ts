import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe('createOllamaClient over plain HTTP (fetch not replaced)', () => {
  let server: Server | undefined;
  const seen: { method?: string; url?: string; body: string; contentType?: string; remotePort?: number }[] = [];

  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'], remotePort: req.socket.remotePort });
        handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    seen.length = 0;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });

  it('answers JSON calls, sending the body and reusing the connection', async () => {
    const host = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ model: 'm', message: { role: 'assistant', content: 'hé' }, done: true }));
    });
    const client = createOllamaClient(host, 5_000);
    const first = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'grüß dich' }] });
    await client.chat({ model: 'm', messages: [{ role: 'user', content: 'again' }] });
    expect(first.message.content).toBe('hé');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /api/chat', 'POST /api/chat']);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ model: 'm', stream: false, messages: [{ role: 'user', content: 'grüß dich' }] });
    expect(seen[0]!.contentType).toBe('application/json');
    expect(seen[1]!.remotePort).toBe(seen[0]!.remotePort);
    await expect(client.version()).resolves.toMatchObject({ model: 'm' });
    expect(seen[2]).toMatchObject({ method: 'GET', url: '/api/version', body: '' });
  });

  it('passes a stream on part by part', async () => {
    let release: () => void = () => undefined;
    const host = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write(`${JSON.stringify({ model: 'm', message: { role: 'assistant', content: 'a' }, done: false })}\n`);
      release = () => res.end(`${JSON.stringify({ model: 'm', message: { role: 'assistant', content: 'b' }, done: true })}\n`);
    });
    const client = createOllamaClient(host, 5_000);
    const parts: string[] = [];
    for await (const part of await client.chat({ model: 'm', messages: [], stream: true })) {
      parts.push(part.message.content);
      if (parts.length === 1) release();
    }
    expect(parts).toEqual(['a', 'b']);
  });

  it('reports an HTTP error status the way the ollama client does', async () => {
    const host = await serve((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'model "m" not found' }));
    });
    await expect(createOllamaClient(host, 5_000).chat({ model: 'm', messages: [] })).rejects.toMatchObject({ status_code: 404, message: 'model "m" not found' });
  });

  it('aborts a call that outlives the timeout with a TimeoutError, also while the body arrives', async () => {
    const host = await serve((req, res) => {
      if (req.url === '/api/chat') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"model":');
      }
    });
    const client = createOllamaClient(host, 50);
    await expect(client.list()).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(client.chat({ model: 'm', messages: [] })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('fails when nothing listens', async () => {
    const host = await serve(() => undefined);
    server!.close();
    server!.closeAllConnections();
    server = undefined;
    await expect(createOllamaClient(host, 5_000).list()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
