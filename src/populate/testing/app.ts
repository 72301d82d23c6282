import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { stubAiConfig, useOllamaMswServer } from '../../../fixtures/ollama/index.js';
import { createAiGateway } from '../../ai/gateway.js';
import { createClient } from '../../contract/client.js';
import { SERVICE_VERSION } from '../../contract/openapi.js';
import { createDb, type DbHandle } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { buildApp } from '../../server/app.js';
import { pgBinaries } from '../../stack/pg-binaries.js';
import { isInitialised } from '../../stack/pg-datadir.js';
import { EmbeddedPostgresServer } from '../../stack/postgres.js';

/**
 * A fresh data directory copied from an initdb'd one kept in the temp directory per PostgreSQL version:
 * initdb is most of a cluster's boot (3.5 s of a 4.3 s boot on a loaded 2-core machine), a copy ~0.2 s.
 */
async function freshDataDir(): Promise<string> {
  const { initdb } = await pgBinaries();
  const version = createHash('sha256')
    .update(`${initdb} ${(await stat(initdb)).mtimeMs}`)
    .digest('hex')
    .slice(0, 12);
  const cache = path.join(os.tmpdir(), `journal-initdb-${version}`);
  if (!isInitialised(cache)) {
    const pg = await EmbeddedPostgresServer.start({ dataDir: await mkdtemp(path.join(os.tmpdir(), 'journal-initdb-')), persistent: false });
    await pg.stop({ keepData: true });
    // Another file may have won the race; its copy is as good as ours.
    await rename(pg.dataDir, cache).catch(() => rm(pg.dataDir, { recursive: true, force: true }));
  }
  const dir = path.join(os.tmpdir(), `populate-app-${randomBytes(6).toString('hex')}`);
  // cp -a keeps the owner: under root the cluster belongs to the postgres OS user.
  await promisify(execFile)('cp', ['-a', cache, dir]);
  return dir;
}

/** Where the population believes the API is; requests to it reach the real app in this process. */
export const APP_BASE = 'http://journal.populate.test/api/v1';

export interface Rows {
  topics: number;
  entries: number;
  sessions: number;
  messages: number;
}

export interface RealApp {
  /** A fetch answered by the real app (app.inject): the boundary where tests inject faults. */
  readonly fetch: typeof fetch;
  readonly db: Kysely<Database>;
  /** A user of its own for one test (tenant isolation, never cleanup). */
  newUser(timezone?: string): Promise<string>;
  /** Live rows of one user, as stored. */
  rows(userId: string): Promise<Rows>;
}

/**
 * The real backend for one test file: buildApp over its own embedded PostgreSQL (migrated), the model
 * through msw. Requests go through app.inject behind a fetch adapter, so they cost no socket and msw's
 * interception of the process's fetch never sees them.
 */
export function useRealApp(): RealApp {
  useOllamaMswServer();
  let pg: EmbeddedPostgresServer | undefined;
  let handle: DbHandle | undefined;
  let app: FastifyInstance | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    dataDir = await freshDataDir();
    pg = await EmbeddedPostgresServer.start({ dataDir, persistent: false });
    await pg.createDatabase('populate');
    handle = createDb(pg.adminUrl('populate'), { max: 8 });
    await migrateToLatest(handle.db);
    app = await buildApp({ db: handle.db, ai: createAiGateway(stubAiConfig()), now: () => new Date(), version: SERVICE_VERSION });
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await handle?.close();
    await pg?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  const fetchApp: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    init?.signal?.throwIfAborted();
    if (!app) throw new Error('the app is not up (beforeAll has not run)');
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
    return new Response(res.statusCode === 204 ? null : res.rawPayload, { status: res.statusCode, headers });
  };

  const client = createClient({ baseUrl: APP_BASE, fetch: fetchApp });
  return {
    fetch: fetchApp,
    get db() {
      if (!handle) throw new Error('the database is not up (beforeAll has not run)');
      return handle.db;
    },
    async newUser(timezone = 'Europe/Berlin') {
      const a = await client.call('createUser', { body: { username: `populate-${crypto.randomUUID()}`, timezone } });
      if (a.kind !== 'success') throw new Error(`createUser: ${JSON.stringify(a)}`);
      return a.body.id;
    },
    async rows(userId) {
      const r = await sql<Rows>`
        SELECT (SELECT count(*)::int FROM topics WHERE user_id = ${userId} AND deleted_at IS NULL) AS topics,
               (SELECT count(*)::int FROM entries WHERE user_id = ${userId} AND deleted_at IS NULL) AS entries,
               (SELECT count(*)::int FROM chat_sessions WHERE user_id = ${userId} AND deleted_at IS NULL) AS sessions,
               (SELECT count(*)::int FROM chat_messages WHERE user_id = ${userId}) AS messages`.execute(this.db);
      return r.rows[0]!;
    },
  };
}
