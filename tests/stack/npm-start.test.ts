import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../helpers/api.js';
import { waitFor } from '../../helpers/wait.js';
import { DEV_USER_ID } from '../../src/contract/enums.js';
import { trackChild } from '../../src/stack/children.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** `npm start` as a user runs it (the same entry), on a data directory of its own and any free port. */
async function npmStart(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/stack/start.ts'], {
    env: { ...process.env, JOURNAL_DATA_DIR: dataDir, PORT: '0', OLLAMA_HOST: 'http://127.0.0.1:9' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If this worker goes away mid-test, npm start still gets its Ctrl-C and stops PostgreSQL itself.
  const untrack = trackChild(() => child.kill('SIGINT'));
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  let gone = false;
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      gone = true;
      untrack();
      r(code);
    }),
  );
  await waitFor(
    () => {
      if (gone) throw new Error(`npm start exited before serving:\n${out}`);
      return out.includes('Serving. Press Ctrl-C to stop.');
    },
    { timeoutMs: 60_000, what: 'npm start to serve' },
  );
  const apiUrl = /API\s+(http:\/\/\S+)/.exec(out)?.[1];
  if (!apiUrl) throw new Error(`no API URL printed:\n${out}`);
  return {
    api: new ApiClient(apiUrl),
    output: () => out,
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}

describe('npm start', { meta: { level: 'self' } }, () => {
  it('boots PostgreSQL and the API, seeds the development user once, stops cleanly, and finds its data again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'journal-npm-start-'));
    dirs.push(dataDir);
    const first = await npmStart(dataDir);
    expect(first.output()).toMatch(/OpenAPI\s+http:\/\/\S+\/api\/v1\/openapi\.json/);
    expect(first.output()).toMatch(/Ollama\s+not reachable .*offline fallback will be used/);
    expect(await first.api.ok('readiness', {}, 200)).toMatchObject({
      status: 'degraded',
      components: { database: { status: 'up' }, llm: { status: 'down' } },
    });
    const topics = await first.api.ok('listTopics', { query: { user_id: DEV_USER_ID } });
    expect(topics).toHaveLength(10);
    const sessions = (await first.api.ok('conversations', { query: { user_id: DEV_USER_ID } })).total_count;
    expect(sessions).toBe(2);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('Stopped cleanly');
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid')) || existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await npmStart(dataDir);
    expect(second.output()).toContain('existing data');
    expect(await second.api.ok('listTopics', { query: { user_id: DEV_USER_ID } })).toEqual(topics);
    expect((await second.api.ok('conversations', { query: { user_id: DEV_USER_ID } })).total_count).toBe(2);
    expect(await second.stop()).toBe(0);
  }, 150_000);
});
