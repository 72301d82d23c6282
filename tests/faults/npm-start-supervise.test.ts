import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { ApiClient } from '../../helpers/api.js';
import { waitFor } from '../../helpers/wait.js';
import { trackChild } from '../../src/stack/children.js';
import { childPids, isAlive } from '../../src/stack/proc.js';

const stackInfo = inject('stack');
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/** `npm start` as a user runs it (same entry), on throwaway data: no fsync, any free port. */
async function npmStart(env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'journal-supervise-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/stack/start.ts'], {
    env: {
      ...process.env,
      JOURNAL_DATA_DIR: dataDir,
      JOURNAL_PG_DURABLE: '0',
      JOURNAL_SEED: '0',
      PORT: '0',
      OLLAMA_HOST: 'http://127.0.0.1:9',
      // The suite's bundle of the same server boots faster than tsx (embedded provider).
      ...(stackInfo.provider === 'embedded' && { JOURNAL_BACKEND_ENTRY: stackInfo.backendEntry }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const untrack = trackChild(() => child.kill('SIGINT'));
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (c) => {
      code = c;
      untrack();
      r(c);
    }),
  );
  onTestFinished(async () => {
    if (code === undefined) child.kill('SIGINT');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  });
  await waitFor(
    () => {
      if (code !== undefined) throw new Error(`npm start exited before serving:\n${out}`);
      return out.includes('Serving. Press Ctrl-C to stop.');
    },
    { timeoutMs: 60_000, what: 'npm start to serve' },
  );
  const apiUrl = /API\s+(http:\/\/\S+)/.exec(out)?.[1];
  if (!apiUrl) throw new Error(`no API URL printed:\n${out}`);
  const pid = child.pid!;
  return {
    api: new ApiClient(apiUrl),
    dataDir,
    output: () => out,
    exited,
    exitCode: () => code,
    /** The API child and the postmaster, told apart by their command lines. */
    apiPid: () => childPids(pid).find((p) => /main\.(ts|mjs)/.test(cmdline(p))),
    postgresPid: () => childPids(pid).find((p) => cmdline(p).includes('/bin/postgres ')),
  };
}

describe('npm start supervises the API', { meta: { level: 'self' } }, () => {
  it('a SIGKILLed API is restarted on the same URL with PostgreSQL kept; a crash loop gives up with a clear message and stops PostgreSQL', async () => {
    const s = await npmStart({ JOURNAL_API_MAX_CRASHES: '1', JOURNAL_API_BACKOFF_MS: '50' });
    const user = await s.api.ok('createUser', { body: { username: 'supervised' } }, 201);
    const pgPid = s.postgresPid();
    const first = s.apiPid();
    expect(pgPid).toBeDefined();
    expect(first).toBeDefined();

    process.kill(first!, 'SIGKILL');
    await waitFor(
      () => {
        if (s.exitCode() !== undefined) throw new Error(`npm start exited (${s.exitCode()}) instead of restarting the API:\n${s.output()}`);
        return /API restarted \(pid \d+\)/.test(s.output());
      },
      { timeoutMs: 30_000, what: 'the API restarted' },
    );
    const second = s.apiPid();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(s.postgresPid()).toBe(pgPid);
    // Same URL, same data: nothing the user had is gone.
    expect(await s.api.ok('getUser', { params: { id: user.id } })).toEqual(user);

    process.kill(second!, 'SIGKILL');
    expect(await s.exited).toBe(1);
    expect(s.output()).toMatch(/The API crashed 2 times within 60 s \(limit 1\): giving up/);
    expect(s.output()).toContain('Stopped cleanly');
    expect(isAlive(pgPid!)).toBe(false);
    expect(existsSync(join(s.dataDir, 'postmaster.pid'))).toBe(false);
  }, 90_000);
});
