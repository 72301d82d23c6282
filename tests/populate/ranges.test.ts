import { newUser } from '../../helpers/factories.js';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localDate } from '../../src/domain/calendar.js';
import { useStack } from '../../helpers/stack.js';
import { apiBase, populateOnline, rowCounts, useOllamaMsw } from './support.js';

// Taken before msw patches fetch: the offline year run has no model calls to intercept.
const unpatchedFetch = globalThis.fetch;
const stack = useStack();
useOllamaMsw(stack);
const dir = await mkdtemp(join(tmpdir(), 'populate-ranges-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function timestamps(userId: string): Promise<Date[]> {
  const entries = await stack.db.selectFrom('entries').select('created_at').where('user_id', '=', userId).execute();
  const messages = await stack.db.selectFrom('chat_messages').select('created_at').where('user_id', '=', userId).execute();
  return [...entries, ...messages].map((r) => new Date(r.created_at));
}

/** Everything a run wrote that the seed decides, in a canonical order (ids and times aside). */
async function contentHash(userId: string): Promise<string> {
  const entries = await stack.db
    .selectFrom('entries')
    .innerJoin('topics', 'topics.id', 'entries.topic_id')
    .select(['entries.title', 'entries.content', 'topics.name'])
    .where('entries.user_id', '=', userId)
    .execute();
  const sessions = await stack.db
    .selectFrom('chat_sessions')
    .select(['id', 'session_type', 'metadata'])
    .where('user_id', '=', userId)
    .execute();
  const conversations = await Promise.all(
    sessions.map(async (s) => {
      const rows = await stack.db
        .selectFrom('chat_messages')
        .select(['role', 'content'])
        .where('session_id', '=', s.id)
        .orderBy('sequence')
        .execute();
      return JSON.stringify([s.session_type, s.metadata.theme, rows]);
    }),
  );
  const canonical = JSON.stringify([entries.map((e) => JSON.stringify(e)).sort(), conversations.sort()]);
  return createHash('sha256').update(canonical).digest('hex');
}

describe('ranges', { meta: { level: 'self', classes: [2, 10] } }, () => {
  it('--day writes on the user’s local today only, never in the future', async () => {
    const tz = 'America/Los_Angeles';
    const { got: user } = await newUser(stack.api, { timezone: tz });
    const { exitCode, report } = await populateOnline(stack, { testUser: user.id, day: true, seed: 11 });
    const after = Date.now();
    expect(exitCode).toBe(0);
    expect(report.entries.planned + report.sessions.planned).toBeGreaterThan(0);
    const today = localDate(new Date(), tz);
    const times = await timestamps(user.id);
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) {
      expect(localDate(t, tz)).toBe(today);
      expect(t.getTime()).toBeLessThanOrEqual(after);
    }
    if (report.entries.planned > 0) {
      const mood = await stack.api.ok('moodAnalytics', { query: { user_id: user.id, days: 7 } });
      expect(mood.daily_trends.filter((d) => d.entry_count > 0).map((d) => d.date)).toEqual([today]);
    }
  });

  it('--year spreads the data over 12 months as the analytics see it', async () => {
    const { got: user } = await newUser(stack.api, { timezone: 'Europe/Berlin' });
    const { exitCode, report } = await populateOnline(
      stack,
      { testUser: user.id, year: true, offline: true, concurrency: 16, seed: 12 },
      { fetch: unpatchedFetch },
    );
    expect(exitCode, JSON.stringify(report.failures.slice(0, 3))).toBe(0);
    const mood = await stack.api.ok('moodAnalytics', { query: { user_id: user.id, days: 365 } });
    const months = new Set(mood.daily_trends.filter((d) => d.entry_count > 0).map((d) => d.date.slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(12);
    expect(mood.statistics.total_entries).toBeGreaterThan(300);
    // About 88% of days have items and 70% of items are entries, so entries land on well under all days.
    expect(mood.statistics.active_days).toBeGreaterThan(200);
    expect(mood.statistics.active_days).toBeLessThan(330);
    // Every planned item written and counted once (a year plan repeats offline content: issue 11 #7).
    expect(await rowCounts(stack, user.id)).toEqual({
      topics: report.topics.created,
      entries: report.entries.created,
      sessions: report.sessions.created,
      messages: report.messages.ok,
    });
    expect([report.entries.existing, report.sessions.existing]).toEqual([0, 0]);
  }, 180_000);

  it('the same seed twice gives the same persisted content; another seed does not', async () => {
    const [a, b, c] = [(await newUser(stack.api)).got, (await newUser(stack.api)).got, (await newUser(stack.api)).got];
    for (const u of [a, b])
      expect((await populateOnline(stack, { testUser: u.id, journalEntries: 3, chatSessions: 2, seed: 77 })).exitCode).toBe(0);
    expect((await populateOnline(stack, { testUser: c.id, journalEntries: 3, chatSessions: 2, seed: 78 })).exitCode).toBe(0);
    const [ha, hb, hc] = [await contentHash(a.id), await contentHash(b.id), await contentHash(c.id)];
    expect(ha).toBe(hb);
    expect(hc).not.toBe(ha);
  });
});

describe('the CLI as a subprocess', { meta: { level: 'self', classes: [2, 10] } }, () => {
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/populate/cli.ts', ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  it('exits 0 with the summary and the JSON report, 2 without a user', async () => {
    const { got: user } = await newUser(stack.api);
    const file = join(dir, 'cli.json');
    const ok = await cli([
      '--test-user',
      user.id,
      '--api-base',
      apiBase(stack),
      '--ollama-host',
      stack.ollama.url,
      '--journal-entries',
      '1',
      '--chat-sessions',
      '1',
      '--report',
      file,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Journal entries: 1/1 ok');
    expect(ok.stdout).toContain('Success rate:    100.00%');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ userId: user.id, successRate: 100, sessions: { created: 1 } });

    const missing = await cli(['--api-base', apiBase(stack), '--journal-entries', '1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--test-user <uuid> is required');
  });

  it('Ctrl-C stops after the items in flight: exit 130 and a partial report', async () => {
    const { got: user } = await newUser(stack.api);
    const file = join(dir, 'interrupted.json');
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      'src/populate/cli.ts',
      '--test-user',
      user.id,
      '--api-base',
      apiBase(stack),
      '--offline',
      '--year',
      '--concurrency',
      '1',
      '--report',
      file,
    ]);
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Interrupt once a few items (not just topics) are done.
      if (!signalled && /\] ok +(entry|session) /.test(stdout)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stdout).toContain('Population report (INTERRUPTED: partial)');
    const report = JSON.parse(await readFile(file, 'utf8')) as {
      interrupted: boolean;
      entries: { skipped: number; created: number };
      sessions: { skipped: number; created: number };
    };
    expect(report.interrupted).toBe(true);
    expect(report.entries.skipped + report.sessions.skipped).toBeGreaterThan(100);
    const written = await stack.db
      .selectFrom('entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(Number(written.n)).toBe(report.entries.created);
  });
});
