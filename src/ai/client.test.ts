import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOllamaClient } from './client.js';

/** The fetch the client was built with (what the ollama client calls), for requests it never makes itself. */
const fetchOf = (client: ReturnType<typeof createOllamaClient>) => (client as unknown as { fetch: typeof fetch }).fetch;

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
        seen.push({
          method: req.method,
          url: req.url,
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: req.headers['content-type'],
          remotePort: req.socket.remotePort,
        });
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
    await expect(createOllamaClient(host, 5_000).chat({ model: 'm', messages: [] })).rejects.toMatchObject({
      status_code: 404,
      message: 'model "m" not found',
    });
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

  it('sends a DELETE with its body, and takes a 204 answer as success', async () => {
    const host = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    await expect(createOllamaClient(host, 5_000).delete({ model: 'm' })).resolves.toEqual({ status: 'success' });
    // Node sends a DELETE body only with an explicit Content-Length.
    expect(seen).toMatchObject([{ method: 'DELETE', url: '/api/delete', body: '{"name":"m"}' }]);
  });

  it('takes a 304 answer as a bodiless error', async () => {
    const host = await serve((_req, res) => {
      res.writeHead(304);
      res.end();
    });
    await expect(createOllamaClient(host, 5_000).list()).rejects.toMatchObject({ status_code: 304, message: 'Error 304: Not Modified' });
  });

  it('passes on the status and status text of an answer that is not JSON', async () => {
    const host = await serve((req, res) => {
      if (req.url === '/api/tags') {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('runner crashed');
      } else {
        res.writeHead(503, 'Busy Loading');
        res.end();
      }
    });
    const client = createOllamaClient(host, 5_000);
    await expect(client.list()).rejects.toMatchObject({ status_code: 500, message: 'runner crashed' });
    await expect(client.ps()).rejects.toMatchObject({ status_code: 503, message: 'Error 503: Busy Loading' });
  });

  it('fails a JSON answer whose connection closes before its body is complete', async () => {
    const host = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"model":', () => res.socket?.destroy());
    });
    await expect(createOllamaClient(host, 5_000).chat({ model: 'm', messages: [] })).rejects.toMatchObject({
      code: 'ECONNRESET',
      message: 'aborted',
    });
  });

  it('answers as fetch does: status, status text, every header, and no body for HEAD', async () => {
    const host = await serve((_req, res) => {
      res.sendDate = false;
      res.writeHead(201, 'Made It', [
        ['Content-Type', 'application/json'],
        ['Content-Length', '11'],
        ['X-Tag', 'a'],
        ['X-Tag', 'b'],
        ['Set-Cookie', 'c=1'],
        ['Set-Cookie', 'd=2'],
      ]);
      res.end('{"ok":true}');
    });
    const ours = fetchOf(createOllamaClient(host, 5_000));
    const answer = async (method: string) => {
      const res = await ours(`${host}/x`, { method });
      // Leaves out the connection's own headers (Connection, Keep-Alive).
      const headers = [...res.headers].filter(([name]) => name !== 'connection' && name !== 'keep-alive');
      return { status: res.status, statusText: res.statusText, headers, hasBody: res.body !== null, text: await res.text() };
    };
    const headers = [
      ['content-length', '11'],
      ['content-type', 'application/json'],
      ['set-cookie', 'c=1'],
      ['set-cookie', 'd=2'],
      ['x-tag', 'a, b'],
    ];
    await expect(answer('GET')).resolves.toEqual({ status: 201, statusText: 'Made It', headers, hasBody: true, text: '{"ok":true}' });
    await expect(answer('HEAD')).resolves.toEqual({ status: 201, statusText: 'Made It', headers, hasBody: false, text: '' });
    expect(seen.map((s) => s.method)).toEqual(['GET', 'HEAD']);
  });

  it('leaves a URL object or a body other than a string to fetch', async () => {
    const host = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    const ours = fetchOf(createOllamaClient(host, 5_000));
    await expect((await ours(new URL(`${host}/url`))).json()).resolves.toEqual({ ok: true });
    await expect((await ours(`${host}/form`, { method: 'POST', body: new URLSearchParams({ a: '1', b: '2' }) })).json()).resolves.toEqual({
      ok: true,
    });
    expect(seen).toMatchObject([
      { method: 'GET', url: '/url' },
      { method: 'POST', url: '/form', body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded;charset=UTF-8' },
    ]);
  });

  it('fails a call whose signal is already aborted without touching the connection pool', async () => {
    let connections = 0;
    const host = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
    server!.on('connection', () => connections++);
    const ours = fetchOf(createOllamaClient(host, 5_000));
    await ours(`${host}/before`);
    const reason = new Error('stopped');
    await expect(ours(`${host}/aborted`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await ours(`${host}/after`);
    expect(seen.map((s) => s.url)).toEqual(['/before', '/after']);
    // The kept-alive connection of the first call served the last one.
    expect(connections).toBe(1);
    expect(seen[1]!.remotePort).toBe(seen[0]!.remotePort);
  });

  it('leaves an https host to fetch', async () => {
    const firstBytes: number[] = [];
    const tls = createTcpServer((socket) => {
      socket.once('data', (data: Buffer) => {
        firstBytes.push(data[0]!);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const host = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
      await expect(createOllamaClient(host, 5_000).list()).rejects.toThrow('fetch failed');
      // 0x16 opens a TLS handshake record: fetch tried TLS rather than sending plain HTTP.
      expect(firstBytes).toEqual([0x16]);
    } finally {
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  it('fails when nothing listens', async () => {
    const host = await serve(() => undefined);
    server!.close();
    server!.closeAllConnections();
    server = undefined;
    await expect(createOllamaClient(host, 5_000).list()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
