import { BackendProcess, type ExitInfo } from './backend.js';
import { defaultDataDir } from './paths.js';
import { EmbeddedPostgresServer } from './postgres.js';

export interface BootOptions {
  /** PostgreSQL data directory; default `.journal/pg` in the repository root. */
  dataDir?: string;
  /** Keep the data directory on stop (default true). */
  persistent?: boolean;
  /** fsync in PostgreSQL (default: persistent); false only for throwaway data (tests). */
  durable?: boolean;
  /** PostgreSQL port; default a free one. */
  pgPort?: number;
  /** Database the backend uses, created when missing (default `journal`). */
  database?: string;
  /** API port; default 0 (any free port). */
  apiPort?: number;
  /** Passed to the backend as OLLAMA_HOST when given. */
  ollamaHost?: string;
  backendEntry?: string;
  /** Extra backend environment (wins over everything but DATABASE_URL and PORT). */
  backendEnv?: Record<string, string>;
  readyTimeoutMs?: number;
  onBackendOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  onPostgresLog?: (line: string) => void;
}

export interface StackTimings {
  /** initdb; 0 when the data directory already existed. */
  pgInitMs: number;
  pgStartMs: number;
  backendBootMs: number;
  /** bootStack() from call to healthy backend, including stale-server recovery and database creation. */
  totalMs: number;
}

export interface Stack {
  pg: EmbeddedPostgresServer;
  backend: BackendProcess;
  apiUrl: string;
  databaseUrl: string;
  /** Whether the database did not exist yet (a first run on this data directory). */
  createdDatabase: boolean;
  timings: StackTimings;
  /** Backend first (it holds connections), then PostgreSQL; resolves with how the backend exited. */
  stop(): Promise<ExitInfo>;
}

/** PostgreSQL, the application database and the API server as a child process, in that order. */
export async function bootStack(opts: BootOptions = {}): Promise<Stack> {
  const started = performance.now();
  const database = opts.database ?? 'journal';
  const pg = await EmbeddedPostgresServer.start({
    dataDir: opts.dataDir ?? defaultDataDir,
    persistent: opts.persistent ?? true,
    ...(opts.durable !== undefined && { durable: opts.durable }),
    ...(opts.pgPort !== undefined && { port: opts.pgPort }),
    ...(opts.onPostgresLog && { onLog: opts.onPostgresLog }),
  });
  let backend: BackendProcess;
  let createdDatabase: boolean;
  const databaseUrl = pg.adminUrl(database);
  try {
    createdDatabase = await pg.ensureDatabase(database);
    backend = await BackendProcess.start({
      env: {
        ...(opts.ollamaHost !== undefined && { OLLAMA_HOST: opts.ollamaHost }),
        ...opts.backendEnv,
        DATABASE_URL: databaseUrl,
      },
      port: opts.apiPort ?? 0,
      ...(opts.backendEntry !== undefined && { entry: opts.backendEntry }),
      ...(opts.readyTimeoutMs !== undefined && { readyTimeoutMs: opts.readyTimeoutMs }),
      ...(opts.onBackendOutput && { onOutput: opts.onBackendOutput }),
    });
  } catch (err) {
    // A half-booted stack must not leave PostgreSQL running behind a failed `npm start`.
    await pg.stop().catch(() => undefined);
    throw err;
  }
  return {
    pg,
    backend,
    apiUrl: backend.url,
    databaseUrl,
    createdDatabase,
    timings: {
      pgInitMs: pg.lastInitMs,
      pgStartMs: pg.lastStartMs,
      backendBootMs: backend.lastBootMs,
      totalMs: performance.now() - started,
    },
    async stop() {
      try {
        return await backend.stop();
      } finally {
        await pg.stop();
      }
    },
  };
}

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/**
 * The `npm start` configuration: PORT (default 8000), JOURNAL_PG_PORT, JOURNAL_DATA_DIR, OLLAMA_HOST, and
 * JOURNAL_PG_DURABLE=0 for throwaway data directories (no fsync: an OS crash may lose them), and
 * JOURNAL_BACKEND_ENTRY to run another server entry, such as the bundle of `npm run build` (dist/main.mjs).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): BootOptions {
  const pgPort = port(env.JOURNAL_PG_PORT, 'JOURNAL_PG_PORT');
  return {
    apiPort: port(env.PORT, 'PORT') ?? 8000,
    ...(pgPort !== undefined && { pgPort }),
    ...(env.JOURNAL_DATA_DIR && { dataDir: env.JOURNAL_DATA_DIR }),
    ...(env.OLLAMA_HOST && { ollamaHost: env.OLLAMA_HOST }),
    ...(env.JOURNAL_PG_DURABLE === '0' && { durable: false }),
    ...(env.JOURNAL_BACKEND_ENTRY && { backendEntry: env.JOURNAL_BACKEND_ENTRY }),
  };
}
