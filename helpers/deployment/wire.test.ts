import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { asCurl, capturing, exchangeTag, namedExchangeIds, RATE_LIMIT, retryAfterMs, takeJournal, targetFetch } from './wire.js';

describe('the wire to a target', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it('waits out a 429 with Retry-After, counts it, adds the target headers and journals every exchange', async () => {
    let calls = 0;
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (calls++ === 0) {
        res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"error_code":"RATE_LIMIT_EXCEEDED"}');
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      takeJournal();
      const f = targetFetch(() => ({ authorization: 'Bearer t' }));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/entries/`;
      const res = await f(url, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      expect(seen).toEqual(['Bearer t', 'Bearer t']);
      const j = takeJournal();
      expect(j.rateLimited.count).toBe(1);
      expect(j.exchanges.map((e) => e.status)).toEqual([429, 200]);
      expect(asCurl(j.exchanges[1]!)).toBe(
        `curl -sS -i -X POST '${url}' -H 'authorization: <redacted>' -H 'content-type: application/json' --data-raw '{"a":1}'`,
      );
      expect(takeJournal().exchanges).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('gives a 429 back when it names no wait or one past the bound', async () => {
    const f = targetFetch(
      undefined,
      async () => new Response('{}', { status: 429, headers: { 'retry-after': String(RATE_LIMIT.maxWaitMs / 1000 + 1) } }),
    );
    expect((await f('http://x.invalid/')).status).toBe(429);
    const g = targetFetch(undefined, async () => new Response('{}', { status: 429 }));
    expect((await g('http://x.invalid/')).status).toBe(429);
    expect(takeJournal().rateLimited.count).toBe(0);
  });

  it('numbers each exchange, names it in a message, and keeps a named one for the verdict', async () => {
    takeJournal();
    const f = targetFetch(undefined, async () => new Response('{"a":1}', { status: 201 }));
    const { ids } = await capturing(() => f('http://h/api/v1/topics/', { method: 'POST', body: '{}' }));
    await f('http://h/api/v1/topics/');
    expect(ids).toHaveLength(1);
    const tag = exchangeTag(ids[0]!);
    expect(tag).toBe(`[exchange #${ids[0]}: POST /api/v1/topics/ → 201]`);
    expect(namedExchangeIds(`topic.user_id ${tag}: expected 1 to be 2`)).toEqual(ids);
    const j = takeJournal();
    expect(j.exchanges.map((e) => e.method)).toEqual(['POST', 'GET']);
    expect(j.named.map((e) => e.id)).toEqual(ids);
    expect(exchangeTag(ids[0]!)).toBe(`[exchange #${ids[0]}: no longer in the journal]`);
  });

  it('quotes single quotes in a replayed body', () => {
    expect(asCurl({ method: 'GET', url: 'http://h/x', requestHeaders: {}, requestBody: "it's", status: 200, responseBody: '' })).toBe(
      `curl -sS -i -X GET 'http://h/x' --data-raw 'it'\\''s'`,
    );
  });
});
