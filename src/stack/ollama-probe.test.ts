import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from './ports.js';
import { normaliseOllamaHost, probeOllama } from './ollama-probe.js';

describe('probeOllama', () => {
  it('lists the models of a server that answers, and reports one that does not', async () => {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/api/tags' ? JSON.stringify({ models: [{ name: 'llama3.2:1b' }] }) : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await probeOllama(`127.0.0.1:${port}`)).toEqual({
        host: `http://127.0.0.1:${port}`,
        reachable: true,
        models: ['llama3.2:1b'],
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const closed = await probeOllama(`http://127.0.0.1:${await freePort()}`, 500);
    expect(closed).toMatchObject({ reachable: false, models: [], error: 'ECONNREFUSED' });
  });

  it('accepts OLLAMA_HOST the way the ollama CLI does', () => {
    expect(normaliseOllamaHost('0.0.0.0')).toBe('http://0.0.0.0:11434');
    expect(normaliseOllamaHost('http://example.test:80/')).toBe('http://example.test');
    expect(normaliseOllamaHost('https://o.test')).toBe('https://o.test');
    expect(normaliseOllamaHost('o.test:8080')).toBe('http://o.test:8080');
    expect(normaliseOllamaHost('o.test:80')).toBe('http://o.test');
  });
});
