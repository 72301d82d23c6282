import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP fault proxy between the backend and PostgreSQL, as Toxiproxy does it: in the normal state bytes
 * pass unchanged; latency() delays every chunk, stall() stops all traffic with the sockets left open (a
 * frozen network or server), cut() closes every connection and refuses new ones (the link is gone),
 * reset() sends RST on every open connection. restore() returns to normal.
 */
export type ProxyState = 'normal' | 'stalled' | 'cut';

interface Pair {
  client: Socket;
  server: Socket;
  /** Chunks held back while stalled or delayed, per direction, in arrival order. */
  held: { up: Buffer[]; down: Buffer[] };
}

export class PgProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private stateValue: ProxyState = 'normal';
  private latencyMs = 0;
  /** Connections accepted over the proxy's life (for tests that check a fault reached something). */
  accepted = 0;

  private constructor(
    readonly targetHost: string,
    readonly targetPort: number,
    public port: number,
  ) {}

  static async start(target: { host: string; port: number }, port = 0): Promise<PgProxy> {
    const proxy = new PgProxy(target.host, target.port, port);
    await proxy.listen();
    return proxy;
  }

  /** A proxy in front of the server a PostgreSQL URL names; url() rewrites URLs to go through it. */
  static async forUrl(databaseUrl: string): Promise<PgProxy> {
    const u = new URL(databaseUrl);
    return PgProxy.start({ host: u.hostname, port: Number(u.port || 5432) });
  }

  url(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  get state(): ProxyState {
    return this.stateValue;
  }

  get open(): number {
    return this.pairs.size;
  }

  latency(ms: number): void {
    this.latencyMs = ms;
  }

  stall(): void {
    if (this.stateValue === 'normal') this.stateValue = 'stalled';
  }

  /** Every open connection closed and the port closed: new connections are refused until restore(). */
  async cut(): Promise<void> {
    this.stateValue = 'cut';
    for (const p of this.pairs) this.drop(p, false);
    await this.closeListener();
  }

  /** RST on every open connection (both sides see ECONNRESET); new connections are still accepted. */
  reset(): void {
    for (const p of this.pairs) this.drop(p, true);
  }

  async restore(): Promise<void> {
    const was = this.stateValue;
    this.stateValue = 'normal';
    this.latencyMs = 0;
    if (was === 'cut') await this.listen();
    for (const p of this.pairs) this.flush(p);
  }

  async close(): Promise<void> {
    this.stateValue = 'cut';
    for (const p of this.pairs) this.drop(p, false);
    await this.closeListener();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      // Same port across cut/restore, so URLs handed out stay valid.
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        const a = server.address();
        if (a && typeof a === 'object') this.port = a.port;
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    if (this.stateValue === 'cut') {
      client.destroy();
      return;
    }
    const server = new Socket();
    const pair: Pair = { client, server, held: { up: [], down: [] } };
    this.pairs.add(pair);
    client.setNoDelay(true);
    server.setNoDelay(true);
    const done = () => {
      if (!this.pairs.delete(pair)) return;
      client.destroy();
      server.destroy();
    };
    for (const s of [client, server]) {
      s.on('error', done);
      s.on('close', done);
    }
    client.on('data', (chunk) => this.pass(pair, 'up', chunk));
    server.on('data', (chunk) => this.pass(pair, 'down', chunk));
    server.connect(this.targetPort, this.targetHost);
  }

  private pass(pair: Pair, dir: 'up' | 'down', chunk: Buffer): void {
    pair.held[dir].push(chunk);
    if (this.stateValue === 'stalled') return;
    if (this.latencyMs > 0) setTimeout(() => this.flushOne(pair, dir), this.latencyMs);
    else this.flush(pair);
  }

  private write(pair: Pair, dir: 'up' | 'down', chunk: Buffer): void {
    const to = dir === 'up' ? pair.server : pair.client;
    if (!to.destroyed) to.write(chunk);
  }

  private flushOne(pair: Pair, dir: 'up' | 'down'): void {
    if (this.stateValue === 'stalled') return;
    const chunk = pair.held[dir].shift();
    if (chunk) this.write(pair, dir, chunk);
  }

  private flush(pair: Pair): void {
    for (const dir of ['up', 'down'] as const) {
      const chunks = pair.held[dir].splice(0);
      for (const c of chunks) this.write(pair, dir, c);
    }
  }

  private drop(pair: Pair, rst: boolean): void {
    this.pairs.delete(pair);
    for (const s of [pair.client, pair.server]) {
      if (rst && typeof s.resetAndDestroy === 'function' && !s.destroyed && !s.connecting) s.resetAndDestroy();
      else s.destroy();
    }
  }
}
