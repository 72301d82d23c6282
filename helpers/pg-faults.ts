import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/schema.js';
import type { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import { childPids, signal } from '../src/stack/proc.js';

/** The application_name the backend under test connects with, so faults hit its connections only. */
export const BACKEND_APP = 'journal-api-under-test';

/** The backend's DATABASE_URL, tagged with BACKEND_APP (for useStack({ backendDatabaseUrl })). */
export function tagBackend(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.searchParams.set('application_name', BACKEND_APP);
  return u.toString();
}

/** pg_terminate_backend of every connection the backend holds; resolves with how many were ended. */
export async function terminateBackendConnections(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
    WHERE application_name = ${BACKEND_APP} AND datname = current_database()`.execute(db);
  return r.rows[0]!.n;
}

/**
 * SIGSTOP of the postmaster and every process it forked (backends, checkpointer, walwriter...): the server
 * is there (its socket accepts) but answers nothing, as a frozen VM or a disk that stopped. Resolves with
 * resume(), which sends SIGCONT to the same processes.
 */
export function stallPostgres(pg: EmbeddedPostgresServer): { resume(): void; pids: number[] } {
  const root = pg.pid;
  if (root === undefined) throw new Error('PostgreSQL is not running');
  const pids = [root, ...childPids(root)];
  for (const pid of pids) signal(pid, 'SIGSTOP');
  return {
    pids,
    resume() {
      // Children first: the postmaster, resumed last, finds its children running.
      for (const pid of [...pids].reverse()) signal(pid, 'SIGCONT');
    },
  };
}

/**
 * A row locked FOR UPDATE by another session, as a long report or a stuck transaction would hold it. The
 * lock is held until release() (which commits, changing nothing).
 */
export async function holdRowLock(databaseUrl: string, table: 'chat_sessions' | 'users' | 'topics' | 'entries', id: string) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'journal-suite-lock' });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('BEGIN');
  const r = await client.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
  if (r.rowCount !== 1) throw new Error(`no ${table} row ${id} to lock`);
  return {
    async release() {
      await client.query('COMMIT').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
