import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendBootError, BackendProcess } from './backend.js';
import { waitFor } from './poll.js';
import { freePort } from './ports.js';
import { isAlive } from './proc.js';
import { runScript, testdata } from './testdata/run-script.js';

const entry = path.join(testdata, 'fake-backend.ts');
const started: BackendProcess[] = [];

async function startFake(env: Record<string, string> = {}, extra: { readyTimeoutMs?: number; port?: number } = {}) {
  const backend = await BackendProcess.start({ entry, env, ...extra });
  started.push(backend);
  return backend;
}

async function stats(backend: BackendProcess): Promise<{ requests: number; pid: number; env: string | null }> {
  const res = await fetch(`${backend.url}/__fake/stats`);
  return (await res.json()) as { requests: number; pid: number; env: string | null };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((b) => b.kill()));
});

describe('BackendProcess', { timeout: 30_000 }, () => {
  it('is ready only once /health answers, and stops gracefully with exit code 0', async () => {
    const backend = await startFake({ FAKE_ECHO: 'passed-through' });
    expect(backend.url).toBe(`http://127.0.0.1:${backend.port}`);
    expect(backend.port).toBeGreaterThan(0);
    expect(backend.lastBootMs).toBeGreaterThan(0);
    const health = await fetch(`${backend.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await stats(backend)).toMatchObject({ pid: backend.pid, env: 'passed-through' });

    expect(await backend.stop()).toEqual({ code: 0, signal: null });
    expect(backend.output()).toContain('fake backend: closed gracefully');
    expect(isAlive(backend.pid)).toBe(false);
    expect(backend.isRunning()).toBe(false);
  });

  it('kill() ends the child with SIGKILL, and stop() escalates to SIGKILL when SIGTERM is ignored', async () => {
    const [a, b] = await Promise.all([startFake(), startFake({ FAKE_IGNORE_SIGTERM: '1' })]);
    expect(await a.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isAlive(a.pid)).toBe(false);

    expect(await b.stop(300)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isAlive(b.pid)).toBe(false);
    await expect(a.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
  });

  it.each(['graceful', 'kill'] as const)('restart(%s) brings up a new process on the same port', async (mode) => {
    const backend = await startFake();
    const { port, url, pid } = backend;
    await stats(backend);
    expect((await stats(backend)).requests).toBeGreaterThanOrEqual(2);

    await backend.restart(mode);
    expect(backend.port).toBe(port);
    expect(backend.url).toBe(url);
    expect(backend.pid).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
    // A fresh process: the old request count is gone, only health polls and this request were seen.
    const after = await stats(backend);
    expect(after.pid).toBe(backend.pid);
    expect(after.requests).toBeLessThan(5);
    expect(backend.lastRestartMs).toBeGreaterThanOrEqual(backend.lastBootMs);
  });

  it('waits for a fixed port that is briefly taken instead of failing', async () => {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    // Released while start() is already waiting: the way a just-killed predecessor frees its port.
    setTimeout(() => holder.close(), 300);
    const backend = await startFake({}, { port });
    expect(backend.port).toBe(port);
    expect((await fetch(`${backend.url}/health`)).status).toBe(200);
  });

  it('a child that crashes on boot fails start() with its exit code and stderr', async () => {
    const error = await startFake({ FAKE_CRASH_ON_BOOT: 'no database' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendBootError);
    const boot = error as BackendBootError;
    expect(boot.message).toContain('exited before announcing its port (code 3');
    expect(boot.message).toContain('fake backend: cannot boot (no database)');
    expect(boot.exit).toEqual({ code: 3, signal: null });
  });

  it('a child whose /health never turns 200 times out and is killed', async () => {
    let pid = 0;
    const error = await BackendProcess.start({
      entry,
      env: { FAKE_HEALTH_STATUS: '503' },
      // However slow the machine is to start the child, the 1.5 s under test count from its port line.
      announceTimeoutMs: 60_000,
      readyTimeoutMs: 1_500,
      onOutput: (line) => {
        const m = /"port":(\d+)/.exec(line);
        if (m) pid = -1;
      },
    }).catch((e: unknown) => e);
    expect(pid).toBe(-1);
    expect(error).toBeInstanceOf(BackendBootError);
    expect((error as BackendBootError).message).toContain('did not finish answering GET /health with 200 within 1500 ms');
    expect((error as BackendBootError).exit?.signal).toBe('SIGKILL');
  });
});

describe('a parent that goes away without stopping its backend', { timeout: 30_000 }, () => {
  async function orphanCheck(mode: string, end: (child: import('node:child_process').ChildProcess) => void) {
    const script = runScript<{ childPid: number }>('backend-parent.ts', [mode, entry]);
    const { childPid } = await script.first;
    expect(isAlive(childPid)).toBe(true);
    end(script.child);
    await script.exited;
    expect(await waitFor(() => !isAlive(childPid), { timeoutMs: 5_000 })).toBe(true);
    return script;
  }

  it('takes the child along on an uncaught error (exit hook)', async () => {
    const script = await orphanCheck('throw', (child) => child.kill('SIGUSR2'));
    expect(await script.exited).toEqual({ code: 1, signal: null });
    expect(script.stderr()).toContain('parent crashed on purpose');
  });

  it('takes the child along on SIGTERM, and still dies of SIGTERM', async () => {
    const script = await orphanCheck('wait', (child) => child.kill('SIGTERM'));
    expect(await script.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('leaves no child behind even when SIGKILLed (the child watches its parent)', async () => {
    await orphanCheck('watched', (child) => child.kill('SIGKILL'));
  });
});
