import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_session_user_turns.js';
import * as m0003 from './migrations/0003_canonical_time_zones.js';
import * as m0004 from './migrations/0004_analytics_rollups.js';

// Migrations are imported statically so the same list runs under tsx, in built JS and in a container.
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_session_user_turns': m0002,
  '0003_canonical_time_zones': m0003,
  '0004_analytics_rollups': m0004,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before (and shape) the typed schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
