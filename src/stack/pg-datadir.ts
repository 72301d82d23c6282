import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OutputTail } from './output-tail.js';
import { pgBinaries, pgEnv, postgresOsUser } from './pg-binaries.js';
import { childPids, isAlive, signal, waitForGone } from './proc.js';

// Our own marker next to postmaster.pid: which process started the server. postmaster.pid alone cannot
// tell an orphan (parent SIGKILLed) from a server another live `npm start` is still using.
const OWNER_FILE = 'stack.owner';

export function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    readonly postmasterPid: number,
  ) {
    super(
      `${dataDir} is in use by a running PostgreSQL (pid ${postmasterPid}) started by live process ${ownerPid}; ` +
        'stop that process first (or use another data directory)',
    );
  }
}

export async function writeOwner(dataDir: string): Promise<void> {
  await writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
}

export async function removeOwner(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, OWNER_FILE), { force: true });
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a server left running on dataDir by a parent that died without cleaning up (postgres survives a
 * SIGKILL of the process that started it, and then blocks every restart on that directory). Resolves
 * true when a running server was found and stopped, false when there was none (a stale postmaster.pid of
 * a dead server is removed). Refuses with DataDirInUseError when the process that started the server is
 * still alive, since that server is in use rather than stale.
 */
export async function stopStaleServer(dataDir: string, opts: { timeoutMs?: number } = {}): Promise<boolean> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = readPid(pidFile);
  if (pid === undefined) return false;
  if (!isAlive(pid)) {
    await rm(pidFile, { force: true });
    return false;
  }
  const owner = readPid(path.join(dataDir, OWNER_FILE));
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw new DataDirInUseError(dataDir, owner, pid);

  const family = [pid, ...childPids(pid)];
  // SIGINT is PostgreSQL's fast shutdown: sessions are cut, a checkpoint is written, nothing is lost.
  signal(pid, 'SIGINT');
  if (!(await waitForGone([pid], opts.timeoutMs ?? 10_000))) {
    for (const member of family) signal(member, 'SIGKILL');
    if (!(await waitForGone(family, 5_000))) throw new Error(`stale PostgreSQL (pid ${pid}) on ${dataDir} would not stop`);
  }
  await waitForGone(family, 5_000);
  await rm(pidFile, { force: true });
  return true;
}

/** Every ancestor must be searchable by the postgres OS user, or initdb fails with a bare "permission denied". */
async function assertReachable(dir: string, uid: number): Promise<void> {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const info = await stat(current);
    if (info.uid !== uid && (info.mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user (uid ${uid}), which cannot enter ${current} (mode ` +
          `${(info.mode & 0o777).toString(8)}); put the data directory under a world-searchable parent`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

export interface InitOptions {
  user: string;
  password: string;
  /** Skip fsync during initdb: fine for throwaway clusters, where it is most of the init time. */
  noSync?: boolean;
}

/** initdb on an empty or missing directory; resolves with how long it took. */
export async function initialiseDataDir(dataDir: string, opts: InitOptions): Promise<number> {
  const started = performance.now();
  const { initdb } = await pgBinaries();
  const osUser = postgresOsUser();
  await mkdir(dataDir, { recursive: true });
  if (osUser) {
    await assertReachable(dataDir, osUser.uid);
    await chown(dataDir, osUser.uid, osUser.gid);
  }
  // initdb takes the superuser password only from a file; it lives just as long as initdb runs.
  const pwFile = path.join(os.tmpdir(), `pg-password-${randomBytes(8).toString('hex')}`);
  await writeFile(pwFile, `${opts.password}\n`, { mode: 0o600 });
  try {
    if (osUser) await chown(pwFile, osUser.uid, osUser.gid);
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      `--username=${opts.user}`,
      `--pwfile=${pwFile}`,
      '--locale=C',
      '--encoding=UTF8',
      '--lc-messages=C',
      ...(opts.noSync ? ['--no-sync'] : []),
    ];
    const tail = new OutputTail(100);
    const child = spawn(initdb, args, { ...osUser, env: pgEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const l of chunk.split('\n')) if (l) tail.push(l);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      for (const l of chunk.split('\n')) if (l) tail.push(l);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb on ${dataDir} exited with code ${code}:\n${tail.text()}`);
  } finally {
    await unlink(pwFile).catch(() => undefined);
  }
  return performance.now() - started;
}
