import { createInterface } from 'node:readline';
import { http, passthrough, type HttpHandler } from 'msw';
import type Dockerode from 'dockerode';
import type { ExitInfo, RunningBackend } from '../src/stack/backend.js';
import { httpStatus } from '../src/stack/http-probe.js';
import { OutputTail } from '../src/stack/output-tail.js';
import { freePort } from '../src/stack/ports.js';
import { waitFor } from './wait.js';

/** Every container the suite starts carries these, so the global teardown finds what a dead worker left. */
export const SUITE_LABEL = 'org.journal.suite';
export const RUN_LABEL = 'org.journal.suite.run';

export interface ContainerBackendOptions {
  image: string;
  /** Test run id (global setup): the teardown removes every container labelled with it. */
  runId: string;
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

type ContainerClient = Awaited<ReturnType<typeof import('testcontainers').getContainerRuntimeClient>>['container'];

async function containerClient(): Promise<ContainerClient> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  return (await getContainerRuntimeClient()).container;
}

/** Docker reports a signal death as 128 + signal number. */
function exitInfo(code: number): ExitInfo {
  if (code === 137) return { code: null, signal: 'SIGKILL' };
  if (code === 143) return { code: null, signal: 'SIGTERM' };
  return { code, signal: null };
}

/**
 * The backend image (Dockerfile) as the system under test: one container per backend, on the host's
 * network listening on 127.0.0.1 only, so it reaches PostgreSQL and the Ollama stub on loopback exactly as
 * a child process would and nothing is published beyond this machine. The port is chosen before the
 * container is created and baked into it, so a restart (docker stop/kill + start of the same container)
 * comes back on the same URL, like BackendProcess.restart.
 */
export class ContainerBackend implements RunningBackend {
  url = '';
  port = 0;
  pid = 0;
  lastBootMs = 0;
  lastStopMs = 0;
  lastRestartMs = 0;
  private readonly tail = new OutputTail(200);
  private running = false;

  private constructor(
    private readonly client: ContainerClient,
    private readonly container: Dockerode.Container,
    port: number,
    private readonly readyTimeoutMs: number,
  ) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(opts: ContainerBackendOptions): Promise<ContainerBackend> {
    const client = await containerClient();
    // A port taken between the probe and the bind fails the boot with EADDRINUSE; a new port is tried then.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const container = await client.create({
        Image: opts.image,
        // TZ passes on like a child process's environment would, so a TZ leg tests the backend in that zone.
        Env: Object.entries({ ...(process.env.TZ && { TZ: process.env.TZ }), ...opts.env, HOST: '127.0.0.1', PORT: String(port) }).map(
          ([k, v]) => `${k}=${v}`,
        ),
        Labels: { [SUITE_LABEL]: 'backend', [RUN_LABEL]: opts.runId },
        HostConfig: { NetworkMode: 'host' },
      });
      const backend = new ContainerBackend(client, container, port, opts.readyTimeoutMs ?? 60_000);
      try {
        await backend.boot();
        return backend;
      } catch (err) {
        await backend.remove();
        const portBusy = backend.output().some((l) => l.includes('EADDRINUSE'));
        if (!portBusy || attempt >= 3) throw err;
      }
    }
  }

  isRunning(): boolean {
    return this.running;
  }

  output(): string[] {
    return this.tail.lines();
  }

  /** docker stop: SIGTERM (the image's STOPSIGNAL), then SIGKILL after timeoutMs. */
  async stop(timeoutMs = 10_000): Promise<ExitInfo> {
    const started = performance.now();
    await this.container.stop({ t: Math.ceil(timeoutMs / 1000) }).catch(ignoreNotRunning);
    const exit = await this.waitExited();
    this.lastStopMs = performance.now() - started;
    return exit;
  }

  /** docker kill: SIGKILL, no shutdown code runs, as in a crash. */
  async kill(): Promise<ExitInfo> {
    const started = performance.now();
    await this.container.kill({ signal: 'SIGKILL' }).catch(ignoreNotRunning);
    const exit = await this.waitExited();
    this.lastStopMs = performance.now() - started;
    return exit;
  }

  async restart(mode: 'graceful' | 'kill' = 'graceful'): Promise<void> {
    const started = performance.now();
    if (mode === 'graceful') await this.stop();
    else await this.kill();
    await this.boot();
    this.lastRestartMs = performance.now() - started;
  }

  /** Stops and deletes the container; the only teardown a container needs. */
  async remove(): Promise<void> {
    this.running = false;
    await this.container.remove({ force: true }).catch(() => undefined);
  }

  private async waitExited(): Promise<ExitInfo> {
    const { StatusCode } = (await this.container.wait()) as { StatusCode: number };
    this.running = false;
    return exitInfo(StatusCode);
  }

  private async boot(): Promise<void> {
    const started = performance.now();
    const since = Math.floor(Date.now() / 1000);
    await this.client.start(this.container);
    this.running = true;
    this.follow(since);
    const ready = await waitFor(
      async () => {
        if ((await httpStatus(`${this.url}/health`, 1_000)) === 200) return 'healthy';
        const state = (await this.client.inspect(this.container)).State;
        return state.Running ? false : 'exited';
      },
      { timeoutMs: this.readyTimeoutMs, intervalMs: 100, what: `backend container on port ${this.port}` },
    ).catch(() => 'timeout' as const);
    if (ready !== 'healthy') {
      const state = (await this.client.inspect(this.container)).State;
      this.running = state.Running;
      throw new Error(
        `backend container ${this.container.id.slice(0, 12)} ${ready === 'exited' ? `exited with ${state.ExitCode}` : `was not healthy within ${this.readyTimeoutMs} ms`} before GET /health answered 200; last output:\n${this.tail.text(40)}`,
      );
    }
    this.pid = (await this.client.inspect(this.container)).State.Pid;
    this.lastBootMs = performance.now() - started;
  }

  /** Feeds this start's log lines into the tail; the stream ends by itself when the container stops. */
  private follow(sinceSeconds: number): void {
    void this.client.logs(this.container, { since: sinceSeconds }).then((stream) => {
      createInterface({ input: stream }).on('line', (line) => this.tail.push(line));
    });
  }
}

function ignoreNotRunning(err: { statusCode?: number }): void {
  // 304: already stopped; 409: not running. Both mean the process is gone, which is what the caller wants.
  if (err.statusCode === 304 || err.statusCode === 409) return;
  throw err;
}

/** Removes the backend containers of one test run (what a crashed worker could not clean up itself). */
export function removeRunBackends(runId: string): Promise<number> {
  return removeRunContainers(runId, 'backend');
}

/** Removes every container of one test run carrying the suite's labels, or only those of one role. */
export async function removeRunContainers(runId: string, role?: string): Promise<number> {
  const client = await containerClient();
  const found = await client.dockerode.listContainers({
    all: true,
    filters: { label: [`${RUN_LABEL}=${runId}`, role ? `${SUITE_LABEL}=${role}` : SUITE_LABEL] },
  });
  await Promise.all(
    found.map((c) =>
      client
        .getById(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return found.length;
}

/**
 * msw handlers that let the harness reach the Docker engine from a process that intercepts its own HTTP
 * (tests/populate): dockerode's requests over the unix socket appear to msw as http://localhost/…, or as
 * DOCKER_HOST when that is a TCP address. Ollama is never addressed either way.
 */
export function dockerEnginePassthrough(): HttpHandler[] {
  const bases = ['http://localhost'];
  const tcp = process.env.DOCKER_HOST?.match(/^tcp:\/\/([^/]+)/);
  if (tcp) bases.push(`http://${tcp[1]}`, `https://${tcp[1]}`);
  return bases.map((base) => http.all(`${base}/*`, () => passthrough()));
}
