import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/populate/cli.js';
import type { Generator } from '../../src/populate/generate.js';
import { DEFAULTS } from '../../src/populate/options.js';
import { useStack } from '../../helpers/stack.js';
import { posts, recording } from '../../helpers/fetch-faults.js';
import { NOW, populate, reported, populationTarget } from '../../helpers/population.js';

// The population against the file's stack over HTTP: what it reports equals what is stored.
const stack = useStack();
const app = populationTarget(stack);
// The population CLI is this project's own code: judged against the bundled backend only.
const SELF = { meta: { level: 'self' as const, classes: [10] } };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'populate-unit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('exit codes and the report', SELF, () => {
  it('2 without --test-user, and nothing is requested', async () => {
    const rec = recording(app.fetch);
    const { exitCode, err } = await populate(app, {}, { fetch: rec.fetch });
    expect(exitCode).toBe(2);
    expect(err).toMatch(/--test-user <uuid> is required/);
    expect(rec.requests).toHaveLength(0);
  });

  it('2 for a --test-user that is not a UUID', async () => {
    const { exitCode, err } = await populate(app, { testUser: 'default_user' });
    expect(exitCode).toBe(2);
    expect(err).toContain('must be a UUID');
  });

  it('2 for an unknown user, before any write', async () => {
    const ghost = '99999999-9999-4999-8999-999999999999';
    const rec = recording(app.fetch);
    const { exitCode, err, report } = await populate(app, { testUser: ghost }, { fetch: rec.fetch });
    expect(exitCode).toBe(2);
    expect(err).toContain(`user ${ghost} does not exist`);
    expect(rec.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /users/${ghost}`]);
    expect(report.error).toBeDefined();
  });

  it('0 when everything reads back: one labelled line per topic and item, and the figures equal the rows', async () => {
    const user = await app.newUser();
    const { exitCode, report, out } = await populate(app, { testUser: user, journalEntries: 1, chatSessions: 2 });
    expect(exitCode).toBe(0);
    expect(report.topics).toMatchObject({ planned: 10, created: 10, failed: 0 });
    expect(report.entries).toMatchObject({ planned: 1, created: 1 });
    expect(report.sessions).toMatchObject({ planned: 2, created: 2 });
    expect(report.messages.ok).toBe(report.messages.planned);
    expect(report.messages.planned).toBeGreaterThanOrEqual(8);
    expect(report.successRate).toBe(100);
    expect(out).toContain('Success rate:    100.00%');
    const lines = out.split('\n').filter((l) => /^\[\s*\d+\/13\] ok {3}/.test(l));
    expect(lines).toHaveLength(13);
    expect(lines.filter((l) => / topic .+: created$/.test(l))).toHaveLength(10);
    expect(lines.filter((l) => / session session-\d \(\w\w, \w+\): created$/.test(l))).toHaveLength(2);
    expect(await app.rows(user)).toEqual(reported(report));
  });

  it('130 on Ctrl-C: in-flight items finish, the rest is skipped, and the partial report is written', async () => {
    const user = await app.newUser();
    const controller = new AbortController();
    const abortOnEntry: typeof fetch = (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/entries/')) controller.abort();
      return app.fetch(input, init);
    };
    const file = join(dir, 'partial.json');
    const { exitCode, report } = await populate(
      app,
      { testUser: user, journalEntries: 5, chatSessions: 0, concurrency: 1, report: file },
      { fetch: abortOnEntry, signal: controller.signal },
    );
    expect(exitCode).toBe(130);
    expect(report).toMatchObject({ interrupted: true, entries: { created: 1, skipped: 4 } });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(report);
    expect(await app.rows(user)).toEqual(reported(report));
  });

  it('aborted before the start: everything skipped, nothing written, 130', async () => {
    const user = await app.newUser();
    const ac = new AbortController();
    ac.abort();
    const { report, exitCode } = await populate(app, { testUser: user, journalEntries: 2, chatSessions: 1 }, { signal: ac.signal });
    expect(exitCode).toBe(130);
    expect(report.topics).toMatchObject({ created: 0, existing: 0, failed: 0, skipped: report.topics.planned });
    expect(report.entries).toEqual({ planned: 2, created: 0, existing: 0, failed: 0, skipped: 2 });
    expect(report.sessions).toEqual({ planned: 1, created: 0, existing: 0, failed: 0, skipped: 1 });
    expect(report.messages).toMatchObject({ ok: 0, failed: 0, skipped: report.messages.planned });
    expect(await app.rows(user)).toEqual({ topics: 0, entries: 0, sessions: 0, messages: 0 });
  });

  it('records a model fallback per item when the model fails, and still writes the offline text', async () => {
    const user = await app.newUser();
    const failing: Generator = { generate: () => Promise.reject(new Error('model down')) };
    const { report, exitCode } = await populate(
      app,
      { testUser: user, journalEntries: 1, chatSessions: 1, offline: false },
      { generator: failing },
    );
    expect(exitCode).toBe(0);
    expect(report.modelFallbacks.count).toBe(2);
    expect(report.modelFallbacks.items.map((f) => f.item).sort()).toEqual(['entry-0', 'session-0']);
    expect(report.modelFallbacks.items.every((f) => f.reason.includes('model down'))).toBe(true);
    expect(await app.rows(user)).toEqual(reported(report));
  });

  it('--create-user makes a fresh user and writes for it only', async () => {
    const { exitCode, out, report } = await populate(app, { createUser: true, journalEntries: 1, chatSessions: 1 });
    expect(exitCode).toBe(0);
    expect(out).toContain(`Created user ${report.userId}`);
    expect(await app.rows(report.userId)).toEqual(reported(report));
  });

  it('--dry-run prints the plan and sends nothing', async () => {
    const rec = recording(app.fetch);
    const { exitCode, out, report } = await populate(
      app,
      { dryRun: true, year: true, testUser: await app.newUser() },
      { fetch: rec.fetch },
    );
    expect(exitCode).toBe(0);
    expect(out).toMatch(/Plan \(seed 1, the last year/);
    expect(rec.requests).toHaveLength(0);
    expect(report.dryRun).toBe(true);
  });
});

describe('every planned item is written and counted once', SELF, () => {
  // Seed 1860 plans six sessions of which session-0 and session-5 have the same theme, type and turns
  // (offline text repeats): each is its own session, never "already there" because of the other.
  it('identical items each get their own session, and the report equals the database', async () => {
    const user = await app.newUser();
    const first = await populate(app, { testUser: user, seed: 1860, journalEntries: 0, chatSessions: 6, concurrency: 1 });
    expect(first.report.sessions).toMatchObject({ planned: 6, created: 6, existing: 0, failed: 0 });
    expect(await app.rows(user)).toEqual(reported(first.report));

    const again = await populate(app, { testUser: user, seed: 1860, journalEntries: 0, chatSessions: 6, concurrency: 4 });
    expect(again.report.sessions).toMatchObject({ created: 0, existing: 6 });
    expect(await app.rows(user)).toEqual(reported(first.report));
  });

  it('under concurrency too', async () => {
    const user = await app.newUser();
    const { report } = await populate(app, { testUser: user, seed: 1860, journalEntries: 4, chatSessions: 6, concurrency: 8 });
    expect(report.sessions).toMatchObject({ created: 6, existing: 0 });
    expect(await app.rows(user)).toEqual(reported(report));
  });
});

describe('re-running the same seed', SELF, () => {
  it('creates nothing new: topics come back existing, entries and sessions are found', async () => {
    const user = await app.newUser();
    const first = await populate(app, { testUser: user, journalEntries: 3, chatSessions: 2 });
    const rows = await app.rows(user);
    expect(rows).toMatchObject({ topics: 10, entries: 3, sessions: 2 });
    const again = await populate(app, { testUser: user, journalEntries: 3, chatSessions: 2 });
    expect(again.report.topics).toMatchObject({ created: 0, existing: 10 });
    expect(again.report.entries).toMatchObject({ created: 0, existing: 3 });
    expect(again.report.sessions).toMatchObject({ created: 0, existing: 2 });
    expect(again.exitCode).toBe(0);
    expect(await app.rows(user)).toEqual(rows);
    expect(reported(again.report)).toEqual(reported(first.report));
  });

  it('on a later day too, when timestamps (and so keys) have moved on', async () => {
    const user = await app.newUser();
    await populate(app, { testUser: user, journalEntries: 2, chatSessions: 2 });
    const later = await populate(
      app,
      { testUser: user, journalEntries: 2, chatSessions: 2 },
      { now: () => new Date('2025-07-20T10:00:00Z') },
    );
    expect(later.report.successRate).toBe(100);
    expect(await app.rows(user)).toMatchObject({ entries: 2, sessions: 2 });
  });
});

describe('cli', SELF, () => {
  const run = (args: string[], fetch = app.fetch) =>
    main(args, { fetch, now: () => NOW, out: () => undefined, err: () => undefined, retry: { sleep: async () => undefined } });

  it('maps usage errors to 2', async () => {
    const user = await app.newUser();
    expect(await run(['--day'])).toBe(2);
    expect(await run(['--test-user', user, '--day', '--week'])).toBe(2);
    expect(await run(['--test-user', user, '--seed', 'abc'])).toBe(2);
    expect(await run(['--no-such-flag'])).toBe(2);
  });

  it('takes its defaults from DEFAULTS only: no flag, the documented API base', async () => {
    const user = await app.newUser();
    const rec = recording(app.fetch);
    const seen: string[] = [];
    expect(
      await run(['--test-user', user, '--offline', '--journal-entries', '1'], (input, init) => {
        seen.push(String(input));
        // The documented default base, answered by the file's stack.
        return rec.fetch(String(input).replace(DEFAULTS.apiBase, app.apiBase), init);
      }),
    ).toBe(0);
    expect(seen[0]).toBe(`${DEFAULTS.apiBase}/users/${user}`);
    expect(rec.requests.filter(posts('/chat/message'))).toHaveLength(0);
  });
});

// Issue 16 row 3: `--report` naming a directory (or a path that cannot be written) wrote all the data,
// then died with an EISDIR stack trace (exit 1). The path is checked before any request: exit 2, one line.
describe('a --report path that cannot be written', SELF, () => {
  const cli = async (args: string[], fetch: typeof globalThis.fetch) => {
    const err: string[] = [];
    const code = await main(args, {
      fetch,
      now: () => NOW,
      out: () => undefined,
      err: (t) => void err.push(t),
      retry: { sleep: async () => undefined },
    });
    return { code, err: err.join('') };
  };

  it('an existing directory, a path below a file, an empty path: exit 2 with one line naming it, and not one request', async () => {
    const file = join(dir, 'a-file.json');
    await writeFile(file, '{}\n');
    for (const report of [dir, join(file, 'report.json'), '']) {
      const rec = recording(app.fetch);
      const { code, err } = await cli(['--api-base', app.apiBase, '--create-user', '--offline', '--day', '--report', report], rec.fetch);
      expect(code, report).toBe(2);
      expect(err.trimEnd().split('\n'), report).toEqual([expect.stringMatching(/^error: --report .*nothing was written/)]);
      expect(err, report).toContain(`--report ${JSON.stringify(report)}`);
      expect(rec.requests, report).toEqual([]);
    }
    // The file the bad path ran through is untouched.
    expect(await readFile(file, 'utf8')).toBe('{}\n');
  });

  it('is checked before the usage check too, so a bad run with a bad path does not crash either', async () => {
    const rec = recording(app.fetch);
    const { code, err } = await cli(['--day', '--week', '--report', dir], rec.fetch);
    expect(code).toBe(2);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(rec.requests).toEqual([]);
  });

  it('a write that still fails after the run (a full disk): one line, exit 1, the data is in', async (ctx) => {
    if (!existsSync('/dev/full')) ctx.skip('no /dev/full on this system to make a write fail with ENOSPC');
    const user = await app.newUser();
    const { exitCode, err, report } = await populate(app, { testUser: user, journalEntries: 1, chatSessions: 0, report: '/dev/full' });
    expect(exitCode).toBe(1);
    expect(err.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: the report could not be written to "\/dev\/full": ENOSPC/)]);
    expect(report.successRate).toBe(100);
    expect(await app.rows(user)).toEqual(reported(report));
  });

  it('a new file in a directory that does not exist yet is fine: the directories are made', async () => {
    const user = await app.newUser();
    const file = join(dir, 'new', 'deeper', 'report.json');
    const { exitCode, report } = await populate(app, { testUser: user, journalEntries: 1, chatSessions: 0, report: file });
    expect(exitCode).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(report);
  });
});

// Issue 16 row 8: after Ctrl-C, "run the same command again" would, for --create-user, create another user.
describe('the resume hint after Ctrl-C', SELF, () => {
  const abortOnFirstEntry =
    (controller: AbortController): typeof fetch =>
    (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/entries/')) controller.abort();
      return app.fetch(input, init);
    };

  it('--create-user: names --test-user <the new id>, and that command finishes the run for that user', async () => {
    const controller = new AbortController();
    const first = await populate(
      app,
      { createUser: true, journalEntries: 4, chatSessions: 0, concurrency: 1 },
      { fetch: abortOnFirstEntry(controller), signal: controller.signal },
    );
    expect(first.exitCode).toBe(130);
    const id = first.report.userId;
    const hint = first.err.trimEnd().split('\n').at(-1);
    expect(hint).toContain(`--test-user ${id}`);
    expect(hint).not.toContain('same command');
    // Following the hint: the same user, nothing written twice, the rest written.
    const second = await populate(app, { testUser: id, journalEntries: 4, chatSessions: 0 });
    expect(second.exitCode).toBe(0);
    expect(second.report.userId).toBe(id);
    expect(second.report.entries).toMatchObject({ planned: 4, created: 3, existing: 1 });
    expect(await app.rows(id)).toEqual(reported(second.report));
  });

  it('--test-user: the same command again', async () => {
    const user = await app.newUser();
    const controller = new AbortController();
    const { exitCode, err } = await populate(
      app,
      { testUser: user, journalEntries: 2, chatSessions: 0, concurrency: 1 },
      { fetch: abortOnFirstEntry(controller), signal: controller.signal },
    );
    expect(exitCode).toBe(130);
    expect(err.trimEnd().split('\n').at(-1)).toMatch(/run the same command again to finish/);
  });
});
