import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { trackChild } from './children.js';
import { httpStatus } from './http-probe.js';
import { OutputTail } from './output-tail.js';
import { defaultBackendEntry, repoRoot } from './paths.js';
import { delay, waitFor } from './poll.js';
import { isPortFree } from './ports.js';

export interface BackendStartOptions {
  /** Server entry file; defaults to src/server/main.ts of this repository. */
  entry?: string;
  env: Record<string, string>;
  /** Overrides env.PORT; 0 (the default) lets the server pick. */
  port?: number;
  /** Covers the listening line and the first 200 from /health. */
  readyTimeoutMs?: number;
  /**
   * Bounds the listening line alone when set; readyTimeoutMs then counts from it, for the first 200 from
   * /health. (Lets a test give a slow machine all the time it needs to start the process while it
   * exercises the health deadline itself.)
   */
  announceTimeoutMs?: number;
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Preload a watcher that stops the child when this process dies without cleanup (default true). */
  watchParent?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class BackendBootError extends Error {
  constructor(
    message: string,
    readonly output: string[],
    readonly exit: ExitInfo | undefined,
  ) {
    super(message);
  }
}

/**
 * What a test may do with a running backend, whoever runs it: a child process here, or a container
 * (helpers/container-backend.ts) under the suite's containers provider.
 */
export interface RunningBackend {
  readonly url: string;
  readonly port: number;
  /** Host process id of the server; changes on every restart. */
  readonly pid: number;
  readonly lastBootMs: number;
  readonly lastStopMs: number;
  readonly lastRestartMs: number;
  isRunning(): boolean;
  output(): string[];
  stop(timeoutMs?: number): Promise<ExitInfo>;
  kill(): Promise<ExitInfo>;
  restart(mode?: 'graceful' | 'kill'): Promise<void>;
}

interface Run {
  child: ChildProcess;
  pid: number;
  exited: Promise<ExitInfo>;
  exit: ExitInfo | undefined;
  /** This run's lines only, so a failure is never explained by an earlier process's output. */
  tail: OutputTail;
}

const parentWatch = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'parent-watch.ts')).href;
const PORT_WAIT_MS = 5_000;

function parseListening(line: string): { url: string; port: number } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const msg = JSON.parse(line) as { event?: unknown; url?: unknown; port?: unknown };
    if (msg.event === 'listening' && typeof msg.url === 'string' && typeof msg.port === 'number') {
      return { url: msg.url.replace(/\/$/, ''), port: msg.port };
    }
  } catch {
    // Not protocol: ordinary output that happens to start with a brace.
  }
  return undefined;
}

/**
 * The API server as a real child process, so tests can stop it gracefully, SIGKILL it and restart it on
 * the same port. Ready means: the child announced its port AND GET /health answered 200.
 */
export class BackendProcess implements RunningBackend {
  url = '';
  port = 0;
  pid = 0;
  startedAt = new Date(0);
  /** Spawn to first healthy /health of the last (re)start. */
  lastBootMs = 0;
  /** Signal to exit of the last stop()/kill(). */
  lastStopMs = 0;
  /** Whole restart(): stop/kill plus boot. */
  lastRestartMs = 0;
  /** Settles when the current child exits; replaced on every (re)start. */
  exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });

  private run: Run | undefined;
  private readonly tail = new OutputTail(200);

  private constructor(private readonly opts: BackendStartOptions) {}

  static async start(opts: BackendStartOptions): Promise<BackendProcess> {
    const backend = new BackendProcess(opts);
    const port = opts.port ?? Number(opts.env.PORT ?? 0);
    await backend.bootWithRetry(port);
    return backend;
  }

  isRunning(): boolean {
    return this.run !== undefined && this.run.exit === undefined;
  }

  /** The last ~200 lines the child printed (stdout and stderr, in arrival order). */
  output(): string[] {
    return this.tail.lines();
  }

  /** SIGTERM, then SIGKILL if the child has not exited within timeoutMs. */
  async stop(timeoutMs = 10_000): Promise<ExitInfo> {
    const run = this.run;
    if (!run) return { code: null, signal: null };
    const started = performance.now();
    if (run.exit === undefined) {
      run.child.kill('SIGTERM');
      const deadline = delay(timeoutMs);
      const exitedInTime = await Promise.race([run.exited.then(() => true), deadline.promise.then(() => false)]);
      deadline.cancel();
      if (!exitedInTime) run.child.kill('SIGKILL');
    }
    const exit = await run.exited;
    this.lastStopMs = performance.now() - started;
    return exit;
  }

  /** SIGKILL: no shutdown code runs, as in a crash. */
  async kill(): Promise<ExitInfo> {
    const run = this.run;
    if (!run) return { code: null, signal: null };
    const started = performance.now();
    if (run.exit === undefined) run.child.kill('SIGKILL');
    const exit = await run.exited;
    this.lastStopMs = performance.now() - started;
    return exit;
  }

  /** Stops (gracefully or by SIGKILL) and boots again on the same port, so base URLs stay valid. */
  async restart(mode: 'graceful' | 'kill' = 'graceful'): Promise<void> {
    const started = performance.now();
    if (mode === 'graceful') await this.stop();
    else await this.kill();
    await this.bootWithRetry(this.port);
    this.lastRestartMs = performance.now() - started;
  }

  private async bootWithRetry(port: number): Promise<void> {
    // The previous process (ours, or one orphaned by an earlier run and now shutting itself down) may hold
    // a fixed port for a moment longer; a port that stays taken fails within this budget, not per attempt.
    const deadline = Date.now() + PORT_WAIT_MS;
    for (;;) {
      if (port !== 0) {
        await waitFor(() => isPortFree(port, this.host()), { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 50 });
      }
      try {
        await this.boot(port);
        return;
      } catch (err) {
        const portBusy = err instanceof BackendBootError && err.output.some((l) => l.includes('EADDRINUSE'));
        if (!portBusy || port === 0) throw err;
        if (Date.now() >= deadline) {
          err.message = `port ${port} is still in use after ${PORT_WAIT_MS} ms; ${err.message}`;
          throw err;
        }
      }
    }
  }

  private host(): string {
    return this.opts.env.HOST ?? '127.0.0.1';
  }

  private async boot(port: number): Promise<void> {
    const started = performance.now();
    const entry = path.resolve(repoRoot, this.opts.entry ?? defaultBackendEntry);
    // A bundled entry (see bundle.ts) is plain JavaScript with its parent watcher beside it: no tsx needed.
    const compiled = entry.endsWith('.mjs');
    const watcher = compiled ? pathToFileURL(path.join(path.dirname(entry), 'parent-watch.mjs')).href : parentWatch;
    const args = [
      ...(compiled ? ['--enable-source-maps'] : ['--import', 'tsx']),
      ...(this.opts.watchParent === false ? [] : ['--import', watcher]),
      entry,
    ];
    // process.execPath, not `npx tsx`: a wrapper process in between would survive our kill as an orphan.
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, ...this.opts.env, PORT: String(port), HOST: this.host() },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    });
    const pid = child.pid;
    const run: Run = {
      child,
      pid: pid ?? 0,
      exit: undefined,
      tail: new OutputTail(200),
      exited: new Promise<ExitInfo>((resolve) => {
        child.once('exit', (code, sig) => resolve({ code, signal: sig }));
        child.once('error', (err) => {
          run.tail.push(`[spawn] ${err.message}`);
          resolve({ code: null, signal: null });
        });
      }),
    };
    const untrack = pid === undefined ? () => undefined : trackChild(() => process.kill(pid, 'SIGKILL'));
    void run.exited.then((exit) => {
      run.exit = exit;
      untrack();
    });
    this.run = run;
    this.exited = run.exited;

    let announce: (where: { url: string; port: number }) => void = () => undefined;
    const listening = new Promise<{ url: string; port: number }>((resolve) => (announce = resolve));
    const watch = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') =>
      createInterface({ input: stream }).on('line', (line) => {
        const tagged = name === 'stderr' ? `[stderr] ${line}` : line;
        this.tail.push(tagged);
        run.tail.push(tagged);
        this.opts.onOutput?.(line, name);
        const where = name === 'stdout' ? parseListening(line) : undefined;
        if (where) announce(where);
      });
    watch(child.stdout, 'stdout');
    watch(child.stderr, 'stderr');

    const timeoutMs = this.opts.readyTimeoutMs ?? 30_000;
    const announceMs = this.opts.announceTimeoutMs;
    let deadline = delay(announceMs ?? timeoutMs);
    const gone = run.exited.then(() => 'exited' as const);
    let late = deadline.promise.then(() => 'timeout' as const);
    try {
      const where = await Promise.race([listening, gone, late]);
      if (where === 'exited' || where === 'timeout')
        throw await this.bootFailure(run, where, 'announcing its port', announceMs ?? timeoutMs);
      if (announceMs !== undefined) {
        deadline.cancel();
        deadline = delay(timeoutMs);
        late = deadline.promise.then(() => 'timeout' as const);
      }
      const healthy = waitFor(async () => (await httpStatus(`${where.url}/health`, 1_000)) === 200 || run.exit !== undefined, {
        timeoutMs: timeoutMs,
        intervalMs: 50,
      }).then((ok) => (ok && run.exit === undefined ? ('healthy' as const) : ('exited' as const)));
      const outcome = await Promise.race([healthy, gone, late]);
      if (outcome !== 'healthy') throw await this.bootFailure(run, outcome, 'answering GET /health with 200', timeoutMs);
      this.url = where.url;
      this.port = where.port;
      this.pid = run.pid;
      this.startedAt = new Date();
      this.lastBootMs = performance.now() - started;
    } finally {
      deadline.cancel();
    }
  }

  private async bootFailure(run: Run, why: 'exited' | 'timeout', stage: string, timeoutMs: number): Promise<BackendBootError> {
    if (run.exit === undefined) run.child.kill('SIGKILL');
    const exit = await run.exited;
    const what =
      why === 'timeout'
        ? `did not finish ${stage} within ${timeoutMs} ms`
        : `exited before ${stage} (code ${exit.code}, signal ${exit.signal})`;
    const output = run.tail.lines();
    const entry = this.opts.entry ?? defaultBackendEntry;
    return new BackendBootError(
      `backend ${path.relative(repoRoot, path.resolve(repoRoot, entry))} ${what}; last output:\n${output.slice(-40).join('\n')}`,
      output,
      exit,
    );
  }
}
