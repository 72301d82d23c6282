import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, inject, type TestContext } from 'vitest';
import { assertNoUnhandled, type OllamaStub, startOllamaStub } from '../fixtures/ollama/index.js';
import { createDb, type DbHandle, dbOptionsFromEnv } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { BackendProcess, type RunningBackend } from '../src/stack/backend.js';
import { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import { ApiClient } from './api.js';
import type { RowReader } from './deployment/hooks.js';
import { clientOptions, loadRunTarget, runTarget } from './deployment/run.js';
import { sqlRowReader } from './deployment/sql-rows.js';
import { ContainerBackend } from './container-backend.js';
import type { StackInfo } from './global-setup.js';
import { waitFor } from './wait.js';

export type Capability = 'restart' | 'database' | 'ollama' | 'postgres-control' | 'second-backend';

/** Capabilities whose guarantee is about a process: a file that asks for one gets a backend child. */
const PROCESS_CAPABILITIES: readonly Capability[] = ['restart', 'second-backend', 'postgres-control'];

export interface StackOptions {
  /**
   * The capabilities this file's tests use. 'restart', 'second-backend' and 'postgres-control' are about
   * a process, so the file gets the backend as a child process; otherwise the app runs in this worker.
   */
  needs?: Capability[];
  /** The backend as a separate process even without a process capability (e.g. a test reads its pid). */
  process?: boolean;
  /** A PostgreSQL server of this file's own, for tests that stop and start the database (implies a process). */
  privatePostgres?: boolean;
  /** Extra environment for the backend (the child's environment, or the in-process app's settings). */
  env?: Record<string, string>;
  /** Rewrites the DATABASE_URL the backend process(es) get, e.g. to put a TCP fault proxy in between (implies a process). */
  backendDatabaseUrl?: (databaseUrl: string) => string | Promise<string>;
}

/**
 * One file's system under test. Everything here is created in beforeAll and torn down in afterAll by
 * useStack itself, so spec files contain no teardown code.
 */
export interface TestStack {
  readonly info: StackInfo;
  readonly apiUrl: string;
  readonly api: ApiClient;
  /** The rows a guarantee is about, through the target's rows hook (this project's schema by default). */
  readonly rows: RowReader;
  /** Rows of this file's database, for guarantees that are about what is stored. */
  readonly db: Kysely<Database>;
  readonly databaseUrl: string;
  readonly ollama: OllamaStub;
  /** A child process, or a container of the backend image under the containers provider (process files only). */
  readonly backend: RunningBackend;
  readonly postgres: EmbeddedPostgresServer;
  /** How this file's backend runs: in this worker, as a child process, a container, or the external target. */
  readonly mode: 'in-process' | 'process' | 'container' | 'external';
  /**
   * The one call for what a test needs: skips the test with the printed reason when the provider cannot
   * give it (e.g. restarts of an external deployment without JOURNAL_RESTART_COMMAND).
   */
  require(ctx: TestContext, ...caps: Capability[]): void;
  has(cap: Capability): boolean;
  /** Why a capability is missing under this provider, for a printed skip reason. */
  missing(cap: Capability): string;
  restart(mode: 'graceful' | 'kill'): Promise<void>;
  /** Another backend process on the same database (stats must agree across processes). */
  startSecondBackend(): Promise<RunningBackend>;
}

async function cloneDatabase(adminUrl: string, template: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Two files cloning at once may find the template briefly busy; that is retried, not failed.
    await waitFor(
      async () => {
        try {
          await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
          return true;
        } catch (e) {
          if ((e as { code?: string }).code === '55006') return false;
          throw e;
        }
      },
      { timeoutMs: 20_000, intervalMs: 50, what: `clone of ${template}` },
    );
  } finally {
    await client.end();
  }
}

/** The backend as the provider runs it: the image under containers, the bundled server as a child otherwise. */
async function startBackend(info: StackInfo, env: Record<string, string>): Promise<RunningBackend & { remove?(): Promise<void> }> {
  if (info.backendImage) return ContainerBackend.start({ image: info.backendImage, runId: info.runId ?? 'unlabelled', env });
  return BackendProcess.start({ ...(info.backendEntry && { entry: info.backendEntry }), env });
}

async function disposeBackend(b: RunningBackend & { remove?(): Promise<void> }): Promise<void> {
  await b.stop().catch(() => undefined);
  await b.remove?.();
}

/**
 * The app of src/server in this worker, built from the same environment a child would get (as main.ts
 * does) and listening on a loopback port: tests still speak real HTTP through the same ApiClient. Saves a
 * process boot per file and the CPU of a second Node.js runtime on a 2-core machine.
 */
async function startInProcess(env: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const [{ appOptionsFromEnv, buildApp }, { createAiGateway }, { aiConfigFromEnv }, { SERVICE_VERSION }] = await Promise.all([
    import('../src/server/app.js'),
    import('../src/ai/gateway.js'),
    import('../src/ai/config.js'),
    import('../src/contract/openapi.js'),
  ]);
  // The same settings main.ts reads from the same variables (pool, lock and statement timeouts, model).
  const handle = createDb(env.DATABASE_URL!, dbOptionsFromEnv(env));
  const app = await buildApp(
    { db: handle.db, ai: createAiGateway(aiConfigFromEnv(env)), now: () => new Date(), version: SERVICE_VERSION },
    appOptionsFromEnv(env),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('in-process app has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await handle.close();
    },
  };
}

function backendEnv(databaseUrl: string, ollamaUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    OLLAMA_HOST: ollamaUrl,
    // Short model timeouts and no probe cache so fault tests see the new state on the next request.
    OLLAMA_TIMEOUT_MS: '1500',
    OLLAMA_PROBE_TIMEOUT_MS: '500',
    OLLAMA_PROBE_CACHE_MS: '0',
    OLLAMA_BREAKER_THRESHOLD: '1000',
    SKIP_MIGRATIONS: '1',
    ...extra,
  };
}

export function useStack(opts: StackOptions = {}): TestStack {
  const info = inject('stack');
  const wantsProcess =
    // JOURNAL_BACKEND=process runs every file against a child, to check a verdict does not depend on the mode.
    process.env.JOURNAL_BACKEND === 'process' ||
    opts.process === true ||
    opts.privatePostgres === true ||
    opts.backendDatabaseUrl !== undefined ||
    (opts.needs ?? []).some((c) => PROCESS_CAPABILITIES.includes(c));
  const mode: TestStack['mode'] =
    info.provider === 'external' ? 'external' : info.backendImage ? 'container' : wantsProcess ? 'process' : 'in-process';
  const privatePostgres = opts.privatePostgres === true || (opts.needs ?? []).includes('postgres-control');
  const state: Partial<{
    apiUrl: string;
    api: ApiClient;
    rows: RowReader;
    handle: DbHandle;
    databaseUrl: string;
    backendUrl: string;
    ollama: OllamaStub;
    backend: RunningBackend;
    inProcess: { close(): Promise<void> };
    postgres: EmbeddedPostgresServer;
    dataDir: string;
    extra: RunningBackend[];
  }> = { extra: [] };
  const need = <K extends keyof typeof state>(k: K): NonNullable<(typeof state)[K]> => {
    const v = state[k];
    if (v === undefined) {
      if (mode === 'in-process' && (k === 'backend' || k === 'postgres'))
        throw new Error(`stack.${k}: this file runs the app in-process; declare useStack({ process: true }) or the capability in needs`);
      throw new Error(`stack.${String(k)} is not available under the ${info.provider} provider (or beforeAll has not run)`);
    }
    return v as NonNullable<(typeof state)[K]>;
  };

  beforeAll(async () => {
    if (info.provider === 'external') {
      state.apiUrl = info.apiUrl!;
      const target = await loadRunTarget(info.apiUrl!, (wish) => need('api').ok('createUser', { body: wish }, 201));
      state.api = new ApiClient(info.apiUrl!, await clientOptions(info.apiUrl!));
      if (target.external!.missingRows() === null) state.rows = await target.external!.rows();
      if (info.databaseUrl) {
        state.databaseUrl = info.databaseUrl;
        state.handle = createDb(info.databaseUrl, { max: 4 });
      }
      return;
    }
    const ollama = await startOllamaStub();
    state.ollama = ollama;
    let databaseUrl: string;
    if (privatePostgres) {
      state.dataDir = await mkdtemp(join(tmpdir(), 'journal-private-pg-'));
      const server = await EmbeddedPostgresServer.start({ dataDir: state.dataDir, persistent: true, durable: false });
      state.postgres = server;
      await server.createDatabase('journal');
      databaseUrl = server.adminUrl('journal');
      const h = createDb(databaseUrl, { max: 1 });
      await migrateToLatest(h.db);
      await h.close();
    } else {
      const name = `t_${randomBytes(6).toString('hex')}`;
      await cloneDatabase(info.adminUrl!, info.templateDb!, name);
      databaseUrl = info.adminUrl!.replace(/\/[^/]*$/, `/${name}`);
    }
    state.databaseUrl = databaseUrl;
    state.handle = createDb(databaseUrl, { max: 4 });
    const backendUrl = opts.backendDatabaseUrl ? await opts.backendDatabaseUrl(databaseUrl) : databaseUrl;
    state.backendUrl = backendUrl;
    const env = backendEnv(backendUrl, ollama.url, opts.env);
    if (mode === 'in-process') {
      const app = await startInProcess(env);
      state.inProcess = app;
      state.apiUrl = app.url;
    } else {
      const backend = await startBackend(info, env);
      state.backend = backend;
      state.apiUrl = backend.url;
    }
    state.api = new ApiClient(state.apiUrl, await clientOptions(state.apiUrl));
    state.rows = sqlRowReader(databaseUrl);
  });

  // A model call no handler answered fails the test that caused it; overrides end with the test.
  afterEach(() => {
    if (!state.ollama) return;
    state.ollama.resetHandlers();
    assertNoUnhandled(state.ollama);
  });

  afterAll(async () => {
    for (const b of state.extra ?? []) await disposeBackend(b);
    if (state.backend) await disposeBackend(state.backend);
    await state.inProcess?.close().catch(() => undefined);
    await state.handle?.close().catch(() => undefined);
    await state.rows?.close?.().catch(() => undefined);
    await state.ollama?.close().catch(() => undefined);
    if (state.postgres) await state.postgres.stop().catch(() => undefined);
    if (state.dataDir) await rm(state.dataDir, { recursive: true, force: true });
  });

  const undeclared = (cap: Capability) => {
    // A programming error, not a skip: the file forgot to say it needs a process.
    if (mode === 'in-process' && PROCESS_CAPABILITIES.includes(cap))
      throw new Error(`capability ${cap} needs the backend as a process: declare useStack({ needs: ['${cap}'] })`);
  };
  const reasons: Record<Capability, () => string | null> = {
    restart: () => runTarget().external?.missingRestart() ?? null,
    database: () =>
      info.provider !== 'external' || info.databaseUrl ? null : 'row-level checks need JOURNAL_DATABASE_URL under the external provider',
    ollama: () => (info.provider !== 'external' ? null : 'the external deployment talks to its own model; faults cannot be injected'),
    // The private server is embedded under both local providers; a containerised backend reaches it over loopback.
    'postgres-control': () =>
      info.provider !== 'external' && privatePostgres
        ? null
        : "stopping PostgreSQL needs a local provider and a private server (useStack({ needs: ['postgres-control'] }))",
    'second-backend': () => (info.provider !== 'external' ? null : 'a second backend process needs a local stack'),
  };
  const missing = (cap: Capability) => {
    undeclared(cap);
    return reasons[cap]();
  };

  return {
    info,
    mode,
    get apiUrl() {
      return need('apiUrl');
    },
    get api() {
      return need('api');
    },
    get rows() {
      return need('rows');
    },
    get db() {
      return need('handle').db;
    },
    get databaseUrl() {
      return need('databaseUrl');
    },
    get ollama() {
      return need('ollama');
    },
    get backend() {
      return need('backend');
    },
    get postgres() {
      return need('postgres');
    },
    require(ctx, ...caps) {
      const why = caps.map(missing).filter((r): r is string => r !== null);
      if (why.length === 0) return;
      // Printed as well as given to vitest, so a skip is never silent in any reporter.
      console.warn(`[journal-suite] skipped "${ctx.task.name}": ${why.join('; ')}`);
      ctx.skip(why.join('; '));
    },
    has: (cap) => missing(cap) === null,
    missing: (cap) => missing(cap) ?? '',
    async restart(how) {
      undeclared('restart');
      const external = runTarget().external;
      if (external) return external.restart();
      await need('backend').restart(how);
    },
    async startSecondBackend() {
      undeclared('second-backend');
      const b = await startBackend(info, backendEnv(need('backendUrl'), need('ollama').url, opts.env));
      state.extra!.push(b);
      return b;
    },
  };
}
