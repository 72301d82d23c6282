import { describe, expect, it } from 'vitest';
import { ApiFailure } from './api.js';
import { forEachBounded, retrying } from './runner.js';
import { FakeApi, badRequest, failTimes, serverError } from './testing/fake-api.js';
import { runFake, withUser } from './testing/run.js';

const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined };

describe('retries', () => {
  it('resends a failed chat turn with the same Idempotency-Key and stores it once', async () => {
    const fake = withUser(new FakeApi());
    const chat = (r: { path: string }) => r.path === '/chat/message';
    fake.use(
      failTimes(1, chat, serverError),
      failTimes(1, chat, () => 'network'),
    );
    const { exitCode, report } = await runFake({ journalEntries: 0, chatSessions: 1 }, fake);

    const sent = fake.requests.filter(chat);
    const firstTurn = sent.filter((r) => r.body?.session_id === undefined);
    expect(firstTurn).toHaveLength(3);
    expect(new Set(firstTurn.map((r) => r.headers.get('idempotency-key'))).size).toBe(1);
    expect(firstTurn[0]!.headers.get('idempotency-key')).toMatch(/^populate-1-session-0-turn1-/);
    expect(fake.sessions.size).toBe(1);
    expect([exitCode, report.sessions.created, report.successRate]).toEqual([0, 1, 100]);
  });

  it('does not retry a 4xx: the same request would fail the same way', async () => {
    let calls = 0;
    const retry = retrying(noSleep);
    const err = await retry(async () => {
      calls++;
      throw new ApiFailure('client', 'createEntry', '422', 422, 'validation_error', false);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect(calls).toBe(1);
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    const err = await retrying(noSleep)(async () => {
      calls++;
      throw new ApiFailure('server', 'createEntry', `503 #${calls}`, 503);
    }).catch((e: unknown) => (e as Error).message);
    expect([calls, err]).toEqual([4, '503 #4']);
  });

  it('treats an entry whose first answer was lost as created once, not twice', async () => {
    const fake = withUser(new FakeApi());
    // The write lands but the client never hears back, as when a connection drops after the commit.
    let dropped = false;
    fake.use((r) => {
      if (dropped || r.path !== '/entries/' || r.method !== 'POST') return undefined;
      dropped = true;
      void fake.fetch(`${fake.base}/entries/`, { method: 'POST', body: JSON.stringify(r.body) });
      return 'network';
    });
    const { report } = await runFake({ journalEntries: 1, chatSessions: 0 }, fake);
    expect(fake.entries).toHaveLength(1);
    expect(report.entries.created).toBe(1);
  });
});

describe('forEachBounded', () => {
  it('keeps at most `limit` items in flight and starts nothing once stopped', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const started = await forEachBounded(
      [1, 2, 3, 4, 5, 6, 7, 8],
      3,
      () => seen.length >= 5,
      async (n) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        seen.push(n);
        inFlight--;
      },
    );
    expect(peak).toBe(3);
    expect(started).toBeLessThan(8);
    expect(seen.length).toBe(started);
  });
});

describe('re-running the same seed', () => {
  it('creates nothing new: topics come back existing, entries and sessions are found', async () => {
    const first = await runFake({ journalEntries: 3, chatSessions: 2 });
    const counts = () => [first.fake.topics.length, first.fake.entries.length, first.fake.sessions.size];
    expect(counts()).toEqual([10, 3, 2]);
    const again = await runFake({ journalEntries: 3, chatSessions: 2 }, first.fake);
    expect(counts()).toEqual([10, 3, 2]);
    expect(again.report.topics).toMatchObject({ created: 0, existing: 10 });
    expect(again.report.entries).toMatchObject({ created: 0, existing: 3 });
    expect(again.report.sessions).toMatchObject({ created: 0, existing: 2 });
    expect(again.exitCode).toBe(0);
  });

  it('on a later day too, when timestamps (and so keys) have moved on', async () => {
    const first = await runFake({ journalEntries: 2, chatSessions: 2 });
    const later = await runFake({ journalEntries: 2, chatSessions: 2 }, first.fake, { now: () => new Date('2025-07-20T10:00:00Z') });
    expect([first.fake.entries.length, first.fake.sessions.size]).toEqual([2, 2]);
    expect(later.report.successRate).toBe(100);
  });

  it('keeps the 4xx out of retries and in the report', async () => {
    const fake = withUser(new FakeApi());
    fake.use((r) => (r.path === '/entries/' && r.method === 'POST' ? badRequest('topic_id') : undefined));
    const { report } = await runFake({ journalEntries: 2, chatSessions: 0 }, fake);
    expect(fake.requests.filter((r) => r.path === '/entries/' && r.method === 'POST')).toHaveLength(2);
    expect(report.entries).toMatchObject({ planned: 2, created: 0, failed: 2 });
    expect(report.failuresByKind).toEqual({ client: 2 });
  });
});
