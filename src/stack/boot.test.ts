import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootStack, optionsFromEnv, type Stack } from './boot.js';
import { isAlive } from './proc.js';
import { summaryLines } from './summary.js';
import { testdata } from './testdata/run-script.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stack-boot-test-'));
const backendEntry = path.join(testdata, 'fake-backend.ts');
const stacks: Stack[] = [];

async function boot(): Promise<Stack> {
  const stack = await bootStack({ dataDir, backendEntry, ollamaHost: 'http://127.0.0.1:9' });
  stacks.push(stack);
  return stack;
}

afterAll(async () => {
  for (const stack of stacks) await stack.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

// Concurrent: each boot has its own data directory and ports.
describe('bootStack', { timeout: 60_000, concurrent: true }, () => {
  it('boots PostgreSQL, creates the database once, and a second boot finds the data of the first', async () => {
    const first = await boot();
    expect(first.createdDatabase).toBe(true);
    expect(first.databaseUrl).toBe(first.pg.adminUrl('journal'));
    const seen = (await (await fetch(`${first.apiUrl}/__fake/stats`)).json()) as { databaseUrl: string; ollamaHost: string };
    expect(seen).toMatchObject({ databaseUrl: first.databaseUrl, ollamaHost: 'http://127.0.0.1:9' });
    await first.pg.query('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$first run$$)', [], 'journal');

    expect(await first.stop()).toEqual({ code: 0, signal: null });
    expect(isAlive(first.backend.pid)).toBe(false);
    expect(first.pg.isRunning()).toBe(false);

    const second = await boot();
    expect(second.createdDatabase).toBe(false);
    expect(second.timings.pgInitMs).toBe(0);
    expect((await second.pg.query('SELECT v FROM kept', [], 'journal')).rows).toEqual([{ v: 'first run' }]);

    const lines = summaryLines(second, { host: 'http://127.0.0.1:9', reachable: false, models: [], error: 'ECONNREFUSED' });
    expect(lines).toContain(`  OpenAPI      ${second.apiUrl}/api/v1/openapi.json`);
    expect(lines.join('\n')).toMatch(/not reachable .*offline fallback/);
  });

  it('stops PostgreSQL again when the backend cannot boot', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stack-boot-fail-'));
    try {
      const error = await bootStack({ dataDir: dir, backendEntry, backendEnv: { FAKE_CRASH_ON_BOOT: 'x' } }).catch((e: unknown) => e);
      expect(String(error)).toContain('fake backend: cannot boot');
      // The directory is reusable at once: no server was left holding it.
      const again = await bootStack({ dataDir: dir, backendEntry });
      await again.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('optionsFromEnv', () => {
  it('reads the npm start configuration and rejects bad ports', () => {
    expect(optionsFromEnv({})).toEqual({ apiPort: 8000 });
    expect(optionsFromEnv({ PORT: '0', JOURNAL_PG_PORT: '5544', OLLAMA_HOST: 'h:1', JOURNAL_DATA_DIR: '/d' })).toEqual({
      apiPort: 0,
      pgPort: 5544,
      ollamaHost: 'h:1',
      dataDir: '/d',
    });
    expect(() => optionsFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('throwaway data without fsync and another server entry only when asked', () => {
    expect(optionsFromEnv({ JOURNAL_PG_DURABLE: '0', JOURNAL_BACKEND_ENTRY: 'dist/main.mjs' })).toEqual({
      apiPort: 8000,
      durable: false,
      backendEntry: 'dist/main.mjs',
    });
    expect(optionsFromEnv({ JOURNAL_PG_DURABLE: '1' })).toEqual({ apiPort: 8000 });
  });
});
