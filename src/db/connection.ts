import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// Return numeric aggregates (count, sum) as numbers, not strings; counts here never near 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));

export interface DbHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface DbOptions {
  max?: number;
  /** Connecting, and waiting for a free connection when all are busy (default 2000). */
  acquireTimeoutMs?: number;
  /** Server-side statement_timeout: PostgreSQL cancels (rolls back) a statement running longer (default off). */
  statementTimeoutMs?: number;
  /** Server-side lock_timeout: a statement waiting this long for a row or table lock is cancelled (default off). */
  lockTimeoutMs?: number;
  /**
   * Client-side deadline for an answer (default 15000, and always above statementTimeoutMs): only a server
   * that stopped answering reaches it. The connection is then closed, never reused with a statement in flight.
   */
  queryTimeoutMs?: number;
  applicationName?: string;
  /** The one handler for errors of idle and checked-out connections alike (default: one line on stderr). */
  onConnectionError?: (err: Error) => void;
}

/**
 * The backend's settings from its environment: DB_POOL_MAX (10), DB_ACQUIRE_TIMEOUT_MS (2000),
 * DB_STATEMENT_TIMEOUT_MS (5000), DB_LOCK_TIMEOUT_MS (2000), DB_QUERY_TIMEOUT_MS (statement + 1000).
 * Server-side timeouts are what make a 503 true: PostgreSQL itself rolled the statement back.
 */
export function dbOptionsFromEnv(env: NodeJS.ProcessEnv): DbOptions {
  const ms = (name: string, fallback: number, min = 1): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  const statementTimeoutMs = ms('DB_STATEMENT_TIMEOUT_MS', 5_000);
  const queryTimeoutMs = ms('DB_QUERY_TIMEOUT_MS', statementTimeoutMs + 1_000);
  if (queryTimeoutMs <= statementTimeoutMs)
    throw new Error(
      `DB_QUERY_TIMEOUT_MS (${queryTimeoutMs}) must exceed DB_STATEMENT_TIMEOUT_MS (${statementTimeoutMs}), so PostgreSQL cancels first`,
    );
  return {
    max: ms('DB_POOL_MAX', 10),
    acquireTimeoutMs: ms('DB_ACQUIRE_TIMEOUT_MS', 2_000),
    statementTimeoutMs,
    lockTimeoutMs: ms('DB_LOCK_TIMEOUT_MS', 2_000),
    queryTimeoutMs,
  };
}

/** Marks an error whose statement may have committed although no answer said so (see databaseFailure). */
const OUTCOME = Symbol('outcome unknown');
/** Set on a client whose statement was in flight when its connection was lost or timed out. */
const TAINTED = Symbol('tainted');

type Tagged = { [OUTCOME]?: true };
type Watched = pg.PoolClient & { [TAINTED]?: true };

/** Lost with a statement in flight: the server may have committed it before the connection went. */
function lostInFlight(err: unknown): boolean {
  const e = (err ?? {}) as { code?: string; message?: string };
  if (e.code && (['ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02'].includes(e.code) || e.code.startsWith('08'))) return true;
  return /Connection terminated|Query read timeout/i.test(e.message ?? '');
}

/**
 * Every connection of the pool goes through here: one error handler for idle and checked-out clients
 * (an `error` event without a listener would end the process), and a client whose statement was in
 * flight when the connection died or timed out is closed and its errors marked "outcome unknown".
 */
function watchClient(client: Watched, onError: (err: Error) => void): void {
  client.on('error', onError);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const tainted = client[TAINTED];
    const r = query(...args);
    if (r instanceof Promise) {
      return r.catch((err: unknown) => {
        if (tainted || lostInFlight(err)) {
          client[TAINTED] = true;
          if (err && typeof err === 'object') (err as Tagged)[OUTCOME] = true;
          // A timed-out statement may still be running: the connection must never carry another one.
          if (/Query read timeout/.test((err as Error)?.message ?? '')) void client.end().catch(() => undefined);
        }
        throw err;
      });
    }
    return r;
  };
}

const logConnectionError = (err: Error) => {
  const code = (err as { code?: string }).code;
  process.stderr.write(`${JSON.stringify({ event: 'database_connection_error', code: code ?? null, message: err.message })}\n`);
};

/**
 * A pool that fails fast and tells the truth: when PostgreSQL is down, stalled or ends our connections,
 * a request gets a 503 within the acquire or statement timeouts instead of hanging, and the process lives.
 */
export function createDb(connectionString: string, opts: DbOptions = {}): DbHandle {
  const statementTimeoutMs = opts.statementTimeoutMs;
  const queryTimeoutMs = Math.max(opts.queryTimeoutMs ?? 15_000, (statementTimeoutMs ?? 0) + 500);
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.acquireTimeoutMs ?? 2_000,
    idleTimeoutMillis: 10_000,
    query_timeout: queryTimeoutMs,
    ...(statementTimeoutMs !== undefined && { statement_timeout: statementTimeoutMs }),
    ...(opts.lockTimeoutMs !== undefined && { lock_timeout: opts.lockTimeoutMs }),
    ...(opts.applicationName !== undefined && { application_name: opts.applicationName }),
  });
  const onError = opts.onConnectionError ?? logConnectionError;
  // Every client gets the handler on connect; pg-pool re-emits an idle client's error on the pool as well,
  // where it was already reported once.
  pool.on('connect', (client) => watchClient(client, onError));
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}

/**
 * What a database failure means for the client: `not_written` when the statement never reached PostgreSQL
 * or PostgreSQL itself cancelled it (statement or lock timeout: rolled back), `unknown` when the connection
 * was lost or timed out with a statement in flight, undefined when it is not a failure of availability
 * (a bad query is a bug, a 500).
 */
export function databaseFailure(err: unknown): 'not_written' | 'unknown' | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as Tagged & { code?: string; message?: string; cause?: unknown; errors?: unknown[] };
  if (e[OUTCOME]) return 'unknown';
  if (e.code !== undefined && NOT_WRITTEN_CODES.has(e.code)) return 'not_written';
  if (/due to connection timeout|timeout exceeded when trying to connect|not queryable|connect ECONNREFUSED/i.test(e.message ?? ''))
    return 'not_written';
  if (lostInFlight(e)) return 'unknown';
  const inner = [...(Array.isArray(e.errors) ? e.errors : []), ...(e.cause !== undefined && e.cause !== err ? [e.cause] : [])].map(
    databaseFailure,
  );
  if (inner.includes('unknown')) return 'unknown';
  return inner.includes('not_written') ? 'not_written' : undefined;
}

/**
 * SELECT 1 with its own deadline, for health probes: a stalled server is reported within timeoutMs, not after
 * the query deadline. The statement left waiting ends with its connection at the read timeout.
 */
export async function pingDatabase(db: Kysely<Database>, timeoutMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([sql`SELECT 1`.execute(db), late]);
  } finally {
    clearTimeout(timer);
  }
}

// Never sent (refused, no such host, too many connections, server starting up) or cancelled by PostgreSQL
// itself (statement_timeout, lock_timeout, pg_cancel_backend): in every case the transaction rolled back.
const NOT_WRITTEN_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', '53300', '57P03', '57014', '55P03']);

/** True when the error means "the database is not reachable now", as opposed to a bad query. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseFailure(err) !== undefined;
}
