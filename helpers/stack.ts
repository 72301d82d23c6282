import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { assertNoUnhandled, lendOllamaStub, type OllamaStub, startOllamaStub } from '../fixtures/ollama/index.js';
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
import { declared, type Need, needsWithin, PROCESS_NEEDS } from './needs.js';
import { waitFor } from './wait.js';

export interface StackOptions {
  /** Extra environment for the backend (the child's environment, or the in-process app's settings). */
  env?: Record<string, string>;
  /** Rewrites the DATABASE_URL the backend gets, e.g. to put a TCP fault proxy in between. */
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
  /** A child process, or a container of the backend image under the containers provider (needs 'process'). */
  readonly backend: RunningBackend;
  /** The file's own PostgreSQL server (needs 'private-postgres'). */
  readonly postgres: EmbeddedPostgresServer;
  /**
   * How this file's backend runs: in this worker, as a child process, a container, or the external target.
   * It follows from the needs the file's tests declare (helpers/needs.ts): a process need gets a process.
   */
  readonly mode: 'in-process' | 'process' | 'container' | 'external';
  /** Needs 'restart' ('kill' also 'process'). */
  restart(mode: 'graceful' | 'kill'): Promise<void>;
  /** Another backend process on the same database (stats must agree across processes); needs 'process'. */
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
async function startBackend(
  info: Exclude<StackInfo, { provider: 'external' }>,
  env: Record<string, string>,
): Promise<RunningBackend & { remove?(): Promise<void> }> {
  if (info.provider === 'containers') return ContainerBackend.start({ image: info.backendImage, runId: info.runId, env });
  return BackendProcess.start({ entry: info.backendEntry, env });
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

/**
 * The system under test for one file. The file's tests declare what they need (`meta.needs`); the stack
 * reads those declarations when it starts, so the app runs in this worker unless a test needs a process.
 * Everything is created in beforeAll and torn down in afterAll here, so spec files contain no teardown code.
 */
export function useStack(opts: StackOptions = {}): TestStack {
  const info = inject('stack');
  let mode: TestStack['mode'] = info.provider === 'external' ? 'external' : info.provider === 'containers' ? 'container' : 'in-process';
  const state: Partial<{
    apiUrl: string;
    api: ApiClient;
    rows: RowReader;
    handle: DbHandle;
    databaseUrl: string;
    backendUrl: string;
    ollama: OllamaStub;
    /** Ends this file's hold on the deployment's model URL (external provider with a model hook). */
    modelLease: () => Promise<void>;
    backend: RunningBackend;
    inProcess: { close(): Promise<void> };
    postgres: EmbeddedPostgresServer;
    dataDir: string;
  }> = {};
  const extra: RunningBackend[] = [];
  const need = <K extends keyof typeof state>(k: K, why: string): NonNullable<(typeof state)[K]> => {
    const v = state[k];
    if (v === undefined) throw new Error(`stack.${String(k)} is not available: ${why}`);
    return v as NonNullable<(typeof state)[K]>;
  };
  const up = 'the stack starts in beforeAll';
  /** A stack feature used by a test that did not declare the need behind it: a programming error, not a skip. */
  const requireDeclared = (n: Need, what: string) => {
    if (!declared(n)) throw new Error(`${what} needs meta.needs ['${n}'] on the test or its describe (helpers/needs.ts)`);
  };

  // Vitest reads the fixtures a hook uses from its first parameter's pattern: none here, the suite is second.
  // biome-ignore lint/correctness/noEmptyPattern: vitest requires a destructuring pattern there
  beforeAll(async ({}, suite) => {
    if (info.provider === 'external') {
      state.apiUrl = info.apiUrl;
      const target = await loadRunTarget(info.apiUrl, (wish) => need('api', up).ok('createUser', { body: wish }, 201));
      state.api = new ApiClient(info.apiUrl, await clientOptions(info.apiUrl));
      const external = target.external;
      if (external && external.missingRows() === null) state.rows = await external.rows();
      if (info.databaseUrl) {
        state.databaseUrl = info.databaseUrl;
        state.handle = createDb(info.databaseUrl, { max: 4 });
      }
      // The target's model hook: this file's stub answers on the URL the deployment reads its model from,
      // so the file's per-test faults reach it. Files run one at a time against a deployment.
      const modelUrl = external?.missingModel() === null ? external.modelUrl() : null;
      if (modelUrl && needsWithin(suite).has('model-stub')) {
        const ollama = await startOllamaStub();
        state.ollama = ollama;
        state.modelLease = await lendOllamaStub(ollama, modelUrl);
      }
      return;
    }
    const needs = needsWithin(suite);
    // JOURNAL_BACKEND=process runs every file against a child, to check a verdict does not depend on the mode.
    const wantsProcess = process.env.JOURNAL_BACKEND === 'process' || PROCESS_NEEDS.some((n) => needs.has(n));
    if (info.provider === 'embedded') mode = wantsProcess ? 'process' : 'in-process';
    const ollama = await startOllamaStub();
    state.ollama = ollama;
    let databaseUrl: string;
    if (needs.has('private-postgres')) {
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
      await cloneDatabase(info.adminUrl, info.templateDb, name);
      databaseUrl = info.adminUrl.replace(/\/[^/]*$/, `/${name}`);
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
    for (const b of extra) await disposeBackend(b);
    if (state.backend) await disposeBackend(state.backend);
    await state.inProcess?.close().catch(() => undefined);
    await state.handle?.close().catch(() => undefined);
    await state.rows?.close?.().catch(() => undefined);
    await state.modelLease?.().catch(() => undefined);
    await state.ollama?.close().catch(() => undefined);
    if (state.postgres) await state.postgres.stop().catch(() => undefined);
    if (state.dataDir) await rm(state.dataDir, { recursive: true, force: true });
  });

  return {
    info,
    get mode() {
      return mode;
    },
    get apiUrl() {
      return need('apiUrl', up);
    },
    get api() {
      return need('api', up);
    },
    get rows() {
      requireDeclared('rows', 'stack.rows');
      return need('rows', up);
    },
    get db() {
      requireDeclared('bundled', "stack.db (this project's schema)");
      return need('handle', 'the external provider has no database of this project (JOURNAL_DATABASE_URL)').db;
    },
    get databaseUrl() {
      requireDeclared('bundled', "stack.databaseUrl (this project's schema)");
      return need('databaseUrl', 'the external provider has no database of this project (JOURNAL_DATABASE_URL)');
    },
    get ollama() {
      requireDeclared('model-stub', 'stack.ollama');
      return need('ollama', "the deployment talks to its own model (a target module's model hook would give the stub)");
    },
    get backend() {
      // A restart is a process guarantee too: its test may check that the process really changed.
      if (!declared('restart')) requireDeclared('process', 'stack.backend');
      return need('backend', up);
    },
    get postgres() {
      requireDeclared('private-postgres', 'stack.postgres');
      return need('postgres', up);
    },
    async restart(how) {
      requireDeclared('restart', 'stack.restart()');
      if (how === 'kill') requireDeclared('process', "stack.restart('kill')");
      const external = runTarget().external;
      if (external) return external.restart();
      await need('backend', up).restart(how);
    },
    async startSecondBackend() {
      requireDeclared('process', 'stack.startSecondBackend()');
      if (info.provider === 'external') throw new Error('a second backend process needs a local provider');
      const b = await startBackend(info, backendEnv(need('backendUrl', up), need('ollama', up).url, opts.env));
      extra.push(b);
      return b;
    },
  };
}
