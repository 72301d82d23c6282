import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, EmbeddedPostgresServer, stopStaleServer } from './postgres.js';
import { waitFor } from './poll.js';
import { isAlive } from './proc.js';
import { runScript } from './testdata/run-script.js';

const dirs: string[] = [];
const servers: EmbeddedPostgresServer[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stack-pg-test-'));
  dirs.push(dir);
  return dir;
}

async function startServer(opts: { dataDir: string; persistent: boolean }): Promise<EmbeddedPostgresServer> {
  const server = await EmbeddedPostgresServer.start(opts);
  servers.push(server);
  return server;
}

afterAll(async () => {
  for (const server of servers) await server.stop().catch(() => undefined);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// Concurrent: each test owns its cluster, data directory and port, and most of the time is spent waiting on
// initdb and server starts.
describe('EmbeddedPostgresServer', { timeout: 60_000, concurrent: true }, () => {
  it('clones a database from a template, drops under live sessions, and deletes a throwaway cluster on stop', async () => {
    const dataDir = tempDir();
    const server = await startServer({ dataDir, persistent: false });
    expect(server.lastInitMs).toBeGreaterThan(0);
    expect(server.adminUrl('x')).toBe(`postgres://postgres:postgres@127.0.0.1:${server.port}/x`);

    const template = 'tpl "quoted"; drop';
    await server.createDatabase(template);
    await server.query('CREATE TABLE seeded (v text); INSERT INTO seeded VALUES ($$from template$$)', [], template);
    await server.createDatabase('clone', template);
    const { rows } = await server.query<{ v: string }>('SELECT v FROM seeded', [], 'clone');
    expect(rows).toEqual([{ v: 'from template' }]);
    expect(await server.databaseExists(template)).toBe(true);

    const session = new pg.Client({ connectionString: server.adminUrl('clone') });
    session.on('error', () => undefined);
    await session.connect();
    await server.dropDatabase('clone');
    expect(await server.databaseExists('clone')).toBe(false);
    await session.end().catch(() => undefined);
    expect(await server.ensureDatabase('clone')).toBe(true);
    expect(await server.ensureDatabase('clone')).toBe(false);

    await server.stop();
    expect(server.isRunning()).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('keeps data and port across stop()/start() and recovers from kill()', async () => {
    const dataDir = tempDir();
    const server = await startServer({ dataDir, persistent: true });
    const port = server.port;
    await server.createDatabase('kept');
    await server.query('CREATE TABLE t (n int); INSERT INTO t VALUES (1)', [], 'kept');

    await server.stop();
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    await server.start();
    expect(server.lastInitMs).toBe(0);
    expect(server.port).toBe(port);
    await server.query('INSERT INTO t VALUES (2)', [], 'kept');

    const pid = server.pid!;
    await server.kill();
    expect(isAlive(pid)).toBe(false);
    expect(server.isRunning()).toBe(false);
    await server.start();
    expect(server.port).toBe(port);
    expect(server.output().join('\n')).toContain('not properly shut down');
    const { rows } = await server.query<{ n: number }>('SELECT n FROM t ORDER BY n', [], 'kept');
    expect(rows).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('stops a server orphaned by a SIGKILLed parent, but refuses one whose parent is alive', async () => {
    const dataDir = tempDir();
    const parent = runScript<{ postmasterPid: number; port: number }>('pg-parent.ts', [dataDir, 'wait']);
    const { postmasterPid } = await parent.first;

    await expect(EmbeddedPostgresServer.start({ dataDir, persistent: true })).rejects.toBeInstanceOf(DataDirInUseError);
    expect(isAlive(postmasterPid)).toBe(true);

    parent.child.kill('SIGKILL');
    await parent.exited;
    // SIGKILL runs no cleanup: the server is still up, holding the directory.
    expect(isAlive(postmasterPid)).toBe(true);

    const server = await startServer({ dataDir, persistent: true });
    expect(server.recoveredStaleServer).toBe(true);
    expect(isAlive(postmasterPid)).toBe(false);
    expect(await server.databaseExists('orphan_check')).toBe(true);
  });

  it('is stopped when the process that started it exits without stopping it', async () => {
    const dataDir = tempDir();
    const parent = runScript<{ postmasterPid: number }>('pg-parent.ts', [dataDir, 'exit']);
    const { postmasterPid } = await parent.first;
    expect(await parent.exited).toEqual({ code: 0, signal: null });
    expect(await waitFor(() => !isAlive(postmasterPid), { timeoutMs: 10_000 })).toBe(true);
  });
});

describe('stopStaleServer', () => {
  it('removes the pid file of a dead server and reports that nothing was running', async () => {
    const dataDir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(isAlive(dead)).toBe(false);
    writeFileSync(path.join(dataDir, 'postmaster.pid'), `${dead}\n${dataDir}\n`);
    expect(await stopStaleServer(dataDir)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(await stopStaleServer(dataDir)).toBe(false);
  });
});
