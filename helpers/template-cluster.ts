import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDb } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { pgBinaries } from '../src/stack/pg-binaries.js';
import { isInitialised } from '../src/stack/pg-datadir.js';
import { EmbeddedPostgresServer } from '../src/stack/postgres.js';

export const TEMPLATE_DB = 'journal_template';
const MIGRATIONS = new URL('../src/db/migrations/', import.meta.url);

/**
 * A data directory for the run's shared server, with the template database already migrated: a copy of
 * one kept in the temp directory per PostgreSQL build and migration set. initdb and the migrations are
 * most of a cold start (initdb alone was 3.5 s of a 4.3 s boot on a loaded 2-core machine); a copy is a
 * fraction of a second, which is what `npx vitest run <file>` waits for. A new migration, or another
 * PostgreSQL, makes a new copy; the caller still runs the migrations (a no-op on a current template).
 */
export async function preparedDataDir(): Promise<string> {
  const { initdb } = await pgBinaries();
  const h = createHash('sha256').update(`${initdb} ${(await stat(initdb)).mtimeMs}`);
  for (const f of (await readdir(MIGRATIONS)).sort()) h.update(f).update(await readFile(new URL(f, MIGRATIONS)));
  const cache = join(tmpdir(), `journal-template-${h.digest('hex').slice(0, 12)}`);
  if (!isInitialised(cache)) {
    const pg = await EmbeddedPostgresServer.start({ dataDir: await mkdtemp(join(tmpdir(), 'journal-template-build-')), persistent: false });
    try {
      await pg.createDatabase(TEMPLATE_DB);
      await migrateTemplate(pg.adminUrl(TEMPLATE_DB));
    } finally {
      await pg.stop({ keepData: true });
    }
    // Another run may have won the race; its copy is as good as ours.
    await rename(pg.dataDir, cache).catch(() => rm(pg.dataDir, { recursive: true, force: true }));
  }
  const dir = join(tmpdir(), `journal-suite-pg-${randomBytes(6).toString('hex')}`);
  // cp -a keeps the owner: under root the cluster belongs to the postgres OS user.
  await promisify(execFile)('cp', ['-a', cache, dir]);
  return dir;
}

/** Brings the template up to date; clones need it with nobody connected, so the connection is closed. */
export async function migrateTemplate(templateUrl: string): Promise<void> {
  const handle = createDb(templateUrl, { max: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}
