import { exec } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { createDb, type DbHandle } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { BackendProcess, type RunningBackend } from '../src/stack/backend.js';
import { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import { assertNoUnhandled, startOllamaStub, type OllamaStub } from '../fixtures/ollama/index.js';
import { ApiClient } from './api.js';
import { ContainerBackend } from './container-backend.js';
import type { StackInfo } from './global-setup.js';
import { waitFor } from './wait.js';

export interface StackOptions {
  /** A PostgreSQL server of this file's own, for tests that stop and start the database. */
  privatePostgres?: boolean;
  /** Extra environment for the backend process. */
  env?: Record<string, string>;
  /** Rewrites the DATABASE_URL the backend process(es) get, e.g. to put a TCP fault proxy in between. */
  backendDatabaseUrl?: (databaseUrl: string) => string | Promise<string>;
}

export type Capability = 'restart' | 'database' | 'ollama' | 'postgres-control' | 'second-backend';

/**
 * One file's system under test. Everything here is created in beforeAll and torn down in afterAll by
 * useStack itself, so spec files contain no teardown code.
 */
export interface TestStack {
  readonly info: StackInfo;
  readonly apiUrl: string;
  readonly api: ApiClient;
  /** Rows of this file's database, for guarantees that are about what is stored. */
  readonly db: Kysely<Database>;
  readonly databaseUrl: string;
  readonly ollama: OllamaStub;
  /** A child process, or a container of the backend image under the containers provider. */
  readonly backend: RunningBackend;
  readonly postgres: EmbeddedPostgresServer;
  has(cap: Capability): boolean;
  /** Why a capability is missing under this provider, for a printed skip reason. */
  missing(cap: Capability): string;
  restart(mode: 'graceful' | 'kill'): Promise<void>;
  /** Another backend process on the same database (stats must agree across processes). */
  startSecondBackend(): Promise<RunningBackend>;
}

const execAsync = promisify(exec);

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

function backendEnv(databaseUrl: string, ollamaUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    OLLAMA_HOST: ollamaUrl,
    // Short model timeouts and no probe cache so fault tests see the new state on the next request.
    OLLAMA_TIMEOUT_MS: '1500',
    OLLAMA_PROBE_TIMEOUT_MS: '500',
    OLLAMA_PROBE_CACHE_MS: '0',
    OLLAMA_BREAKER_THRESHOLD: '1000',
    ...extra,
  };
}

export function useStack(opts: StackOptions = {}): TestStack {
  const info = inject('stack');
  const state: Partial<{
    apiUrl: string;
    api: ApiClient;
    handle: DbHandle;
    databaseUrl: string;
    backendUrl: string;
    ollama: OllamaStub;
    backend: RunningBackend;
    postgres: EmbeddedPostgresServer;
    dataDir: string;
    extra: RunningBackend[];
  }> = { extra: [] };
  const need = <K extends keyof typeof state>(k: K): NonNullable<(typeof state)[K]> => {
    const v = state[k];
    if (v === undefined)
      throw new Error(`stack.${String(k)} is not available under the ${info.provider} provider (or beforeAll has not run)`);
    return v as NonNullable<(typeof state)[K]>;
  };

  beforeAll(async () => {
    if (info.provider === 'external') {
      state.apiUrl = info.apiUrl!;
      state.api = new ApiClient(info.apiUrl!);
      if (info.databaseUrl) {
        state.databaseUrl = info.databaseUrl;
        state.handle = createDb(info.databaseUrl, { max: 4 });
      }
      return;
    }
    const ollama = await startOllamaStub();
    state.ollama = ollama;
    let databaseUrl: string;
    if (opts.privatePostgres) {
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
    const backend = await startBackend(info, backendEnv(backendUrl, ollama.url, { SKIP_MIGRATIONS: '1', ...opts.env }));
    state.backend = backend;
    state.apiUrl = backend.url;
    state.api = new ApiClient(backend.url);
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
    await state.handle?.close().catch(() => undefined);
    await state.ollama?.close().catch(() => undefined);
    if (state.postgres) await state.postgres.stop().catch(() => undefined);
    if (state.dataDir) await rm(state.dataDir, { recursive: true, force: true });
  });

  const reasons: Record<Capability, () => string | null> = {
    restart: () =>
      info.provider !== 'external' || info.restartCommand ? null : 'restart needs JOURNAL_RESTART_COMMAND under the external provider',
    database: () =>
      info.provider !== 'external' || info.databaseUrl ? null : 'row-level checks need JOURNAL_DATABASE_URL under the external provider',
    ollama: () => (info.provider !== 'external' ? null : 'the external deployment talks to its own model; faults cannot be injected'),
    // The private server is embedded under both local providers; a containerised backend reaches it over loopback.
    'postgres-control': () =>
      info.provider !== 'external' && opts.privatePostgres
        ? null
        : 'stopping PostgreSQL needs a local provider and a private server (useStack({ privatePostgres: true }))',
    'second-backend': () => (info.provider !== 'external' ? null : 'a second backend process needs a local stack'),
  };

  return {
    info,
    get apiUrl() {
      return need('apiUrl');
    },
    get api() {
      return need('api');
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
    has: (cap) => reasons[cap]() === null,
    missing: (cap) => reasons[cap]() ?? '',
    async restart(mode) {
      if (info.provider === 'external') {
        await execAsync(info.restartCommand!, { timeout: 120_000 });
        await waitFor(async () => (await fetch(`${info.apiUrl}/health`).catch(() => null))?.ok ?? false, {
          timeoutMs: 60_000,
          what: 'external backend health after restart',
        });
        return;
      }
      await need('backend').restart(mode);
    },
    async startSecondBackend() {
      const b = await startBackend(info, backendEnv(need('backendUrl'), need('ollama').url, { SKIP_MIGRATIONS: '1', ...opts.env }));
      state.extra!.push(b);
      return b;
    },
  };
}
