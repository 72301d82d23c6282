import { createServer, type Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgProxy } from './pg-proxy.js';
import { waitFor } from './wait.js';

// An echo server stands in for PostgreSQL: what goes up comes back down, so both directions are seen.
let echo: Server;
let echoPort = 0;
const proxies: PgProxy[] = [];
beforeAll(async () => {
  echo = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
});
afterAll(async () => {
  for (const p of proxies) await p.close();
  await new Promise((r) => echo.close(r));
});

async function proxy(): Promise<PgProxy> {
  const p = await PgProxy.start({ host: '127.0.0.1', port: echoPort });
  proxies.push(p);
  return p;
}

/** A client that collects what it receives and how it ended. */
async function connect(port: number) {
  const s = new Socket();
  let got = '';
  let error: string | undefined;
  let closed = false;
  s.on('data', (d) => (got += String(d)));
  s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  s.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
    s.connect(port, '127.0.0.1');
  });
  return {
    send: (t: string) => s.write(t),
    got: () => got,
    error: () => error,
    closed: () => closed,
    end: () => s.destroy(),
  };
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.connect(port, '127.0.0.1');
  });
}

describe('PgProxy', () => {
  it('passes bytes both ways unchanged, in order', async () => {
    const p = await proxy();
    const c = await connect(p.port);
    const text = Array.from({ length: 200 }, (_, i) => `chunk ${i};`).join('');
    c.send(text.slice(0, 700));
    c.send(text.slice(700));
    await waitFor(() => c.got().length === text.length, { what: 'echo through the proxy' });
    expect(c.got()).toBe(text);
    expect(p.open).toBe(1);
    c.end();
  });

  it('latency delays every chunk and keeps their order', async () => {
    const p = await proxy();
    p.latency(120);
    const c = await connect(p.port);
    const started = performance.now();
    for (const t of ['a', 'b', 'c', 'd']) c.send(t);
    await waitFor(() => c.got().length === 4, { what: 'delayed echo' });
    // Up and down are each delayed: well over one latency, in order.
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(c.got()).toBe('abcd');
    c.end();
  });

  it('stall holds every byte with the connection open; restore delivers them in order', async () => {
    const p = await proxy();
    const c = await connect(p.port);
    c.send('before ');
    await waitFor(() => c.got() === 'before ', { what: 'echo before the stall' });
    p.stall();
    expect(p.state).toBe('stalled');
    c.send('during');
    const late = await connect(p.port);
    late.send('new connection');
    await new Promise((r) => setTimeout(r, 150));
    expect(c.got()).toBe('before ');
    expect(late.got()).toBe('');
    expect(c.closed()).toBe(false);
    await p.restore();
    await waitFor(() => c.got() === 'before during' && late.got() === 'new connection', { what: 'held bytes after restore' });
    c.end();
    late.end();
  });

  it('cut closes every connection and refuses new ones until restore, on the same port', async () => {
    const p = await proxy();
    const port = p.port;
    const c = await connect(port);
    await p.cut();
    await waitFor(() => c.closed(), { what: 'connection closed by the cut' });
    expect(await refused(port)).toBe('ECONNREFUSED');
    await p.restore();
    expect(p.port).toBe(port);
    const again = await connect(port);
    again.send('back');
    await waitFor(() => again.got() === 'back', { what: 'echo after restore' });
    again.end();
  });

  it('reset sends RST: the client sees ECONNRESET; the proxy still accepts', async () => {
    const p = await proxy();
    const c = await connect(p.port);
    c.send('x');
    await waitFor(() => c.got() === 'x', { what: 'echo' });
    p.reset();
    await waitFor(() => c.closed(), { what: 'reset' });
    expect(c.error()).toBe('ECONNRESET');
    expect(p.open).toBe(0);
    const again = await connect(p.port);
    again.send('y');
    await waitFor(() => again.got() === 'y', { what: 'echo after reset' });
    expect(p.accepted).toBe(2);
    again.end();
  });

  it('url() points a PostgreSQL URL at the proxy and keeps the rest', async () => {
    const p = await proxy();
    expect(p.url('postgres://u:p%40ss@localhost:5432/db%201?application_name=x')).toBe(
      `postgres://u:p%40ss@127.0.0.1:${p.port}/db%201?application_name=x`,
    );
  });
});
