import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { DEFAULTS } from './options.js';
import { successRate } from './report.js';
import { FakeApi, badRequest, serverError, type RecordedRequest } from './testing/fake-api.js';
import { USER, NOW, runFake, withUser } from './testing/run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'populate-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const secondTurn = (r: RecordedRequest) => r.path === '/chat/message' && r.body?.session_id !== undefined;

describe('exit codes', () => {
  it('2 without --test-user, and nothing is requested', async () => {
    const { exitCode, err, fake } = await runFake({ testUser: undefined });
    expect(exitCode).toBe(2);
    expect(err).toMatch(/--test-user <uuid> is required/);
    expect(fake.requests).toHaveLength(0);
  });

  it('2 for a --test-user that is not a UUID', async () => {
    const { exitCode, err } = await runFake({ testUser: 'default_user' });
    expect(exitCode).toBe(2);
    expect(err).toContain('must be a UUID');
  });

  it('2 for an unknown user, before any write', async () => {
    const { exitCode, err, fake, report } = await runFake({ testUser: '99999999-9999-4999-8999-999999999999' });
    expect(exitCode).toBe(2);
    expect(err).toMatch(/does not exist/);
    expect(fake.writes()).toHaveLength(0);
    expect(report.error).toBeDefined();
  });

  it('0 when everything reads back, with the honest figures', async () => {
    const { exitCode, report, out } = await runFake({ journalEntries: 1, chatSessions: 2 });
    expect(exitCode).toBe(0);
    expect(report.topics).toMatchObject({ planned: 10, created: 10, failed: 0 });
    expect(report.entries).toMatchObject({ planned: 1, created: 1 });
    expect(report.sessions).toMatchObject({ planned: 2, created: 2 });
    expect(report.messages.ok).toBe(report.messages.planned);
    expect(report.successRate).toBe(100);
    expect(out).toContain('Success rate:    100.00%');
  });

  it('1 when a chat turn fails: that session is failed, with its reason, and the rest still counts', async () => {
    const fake = withUser(new FakeApi());
    let failed = false;
    fake.use((r) => (secondTurn(r) && !failed && (failed = true) ? badRequest('message') : undefined));
    const file = join(dir, 'turn.json');
    const { exitCode, report } = await runFake({ journalEntries: 1, chatSessions: 2, report: file }, fake);
    expect(exitCode).toBe(1);
    expect(report.sessions).toMatchObject({ planned: 2, created: 1, failed: 1 });
    expect(report.failures).toEqual([
      expect.objectContaining({ subject: 'session', kind: 'client', status: 422, reason: expect.stringMatching(/^turn 2\/\d: /) }),
    ]);
    expect(report.messages.failed).toBeGreaterThan(0);
    expect(report.messages.ok).toBe(report.messages.planned - report.messages.failed);
    expect(report.successRate).toBe(successRate([report.topics, report.entries, report.sessions]));
    expect(report.successRate).toBeCloseTo((12 / 13) * 100, 1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(report);
  });

  it('1 when every turn of a session fails: zero messages is never a created session', async () => {
    const fake = withUser(new FakeApi());
    fake.use((r) => (r.path === '/chat/message' ? serverError() : undefined));
    const { exitCode, report } = await runFake({ journalEntries: 0, chatSessions: 1 }, fake);
    expect(exitCode).toBe(1);
    expect(report.sessions).toMatchObject({ created: 0, failed: 1 });
    expect(report.messages.ok).toBe(0);
    expect(report.failuresByKind).toEqual({ server: 1 });
  });

  it('1 when the history does not hold every turn in order, although each POST said 200', async () => {
    const fake = withUser(new FakeApi());
    fake.use((r) => {
      const id = r.path.match(/^\/chat\/conversation\/(.+)\/history$/)?.[1];
      if (!id) return undefined;
      const s = fake.sessions.get(id)!;
      const messages = s.messages.slice(0, -1).map((m) => ({ ...m, metadata: {} }));
      return new Response(JSON.stringify({ session_id: id, message_count: messages.length, messages, retrieved_at: NOW.toISOString() }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    const { exitCode, report } = await runFake({ journalEntries: 0, chatSessions: 1 }, fake);
    expect(exitCode).toBe(1);
    expect(report.failures[0]).toMatchObject({ kind: 'verification', reason: expect.stringContaining('expected in order') });
  });

  it('counts a failed entry request as failed, and a lower --min-success-rate accepts it', async () => {
    const fake = withUser(new FakeApi());
    fake.use((r) => (r.path === '/entries/' && r.method === 'POST' ? serverError() : undefined));
    const strict = await runFake({ journalEntries: 1, chatSessions: 1 }, fake);
    expect(strict.report.entries).toMatchObject({ created: 0, failed: 1 });
    expect(strict.exitCode).toBe(1);
    // 4 attempts: the first and three retries.
    expect(fake.requests.filter((r) => r.path === '/entries/' && r.method === 'POST')).toHaveLength(4);
    const lenient = await runFake({ journalEntries: 1, chatSessions: 1, minSuccessRate: 80 }, fake);
    expect(lenient.exitCode).toBe(0);
  });

  it('130 on Ctrl-C: in-flight items finish, the rest is skipped, and the partial report is written', async () => {
    const controller = new AbortController();
    const fake = withUser(new FakeApi());
    fake.use((r) => {
      if (r.path === '/entries/' && r.method === 'POST') controller.abort();
      return undefined;
    });
    const file = join(dir, 'partial.json');
    const { exitCode, report } = await runFake({ journalEntries: 5, chatSessions: 0, concurrency: 1, report: file }, fake, {
      signal: controller.signal,
    });
    expect(exitCode).toBe(130);
    expect(report).toMatchObject({ interrupted: true, entries: { created: 1, skipped: 4 } });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ interrupted: true });
  });

  it('--create-user makes a fresh user and writes for it only', async () => {
    const { exitCode, out, fake, report } = await runFake({ testUser: undefined, createUser: true, journalEntries: 1, chatSessions: 1 });
    expect(exitCode).toBe(0);
    expect(report.userId).not.toBe(USER);
    expect(out).toContain(`Created user ${report.userId}`);
    expect(new Set(fake.entries.map((e) => e.user_id))).toEqual(new Set([report.userId]));
  });

  it('--dry-run prints the plan and sends nothing', async () => {
    const { exitCode, out, fake, report } = await runFake({ dryRun: true, year: true });
    expect(exitCode).toBe(0);
    expect(out).toMatch(/Plan \(seed 1, the last year/);
    expect(fake.requests).toHaveLength(0);
    expect(report.dryRun).toBe(true);
  });
});

describe('cli', () => {
  const run = (args: string[], fake = withUser(new FakeApi())) =>
    main(args, { fetch: fake.fetch, now: () => NOW, out: () => undefined, err: () => undefined, retry: { sleep: async () => undefined } });

  it('maps usage errors to 2 and help to 0', async () => {
    expect(await run(['--day'])).toBe(2);
    expect(await run(['--test-user', USER, '--day', '--week'])).toBe(2);
    expect(await run(['--test-user', USER, '--seed', 'abc'])).toBe(2);
    expect(await run(['--no-such-flag'])).toBe(2);
  });

  it('takes its defaults from DEFAULTS only: no flag, the documented API base', async () => {
    const fake = withUser(new FakeApi(DEFAULTS.apiBase));
    expect(await run(['--test-user', USER, '--offline', '--journal-entries', '1'], fake)).toBe(0);
    expect(fake.requests[0]!.path).toBe(`/users/${USER}`);
    expect(fake.sessions.size).toBe(0);
  });
});
