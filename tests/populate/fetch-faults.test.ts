import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { successRate } from '../../src/populate/report.js';
import { useStack } from '../../helpers/stack.js';
import { alterAnswer, alterBody, answerLost, failFirst, type Match, posts, recording, refused, slow } from '../../helpers/fetch-faults.js';
import { populate, reported, populationTarget } from '../../helpers/population.js';

// Faults at the fetch boundary between the population and the real app: retries never write twice,
// failures are counted with their reason, and the report still equals the database.
const stack = useStack();
const app = populationTarget(stack);
// The population CLI is this project's own code: judged against the bundled backend only.
const SELF = { meta: { level: 'self' as const, classes: [10] } };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'populate-faults-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const chat = posts('/chat/message');
const firstTurn: Match = (r) => chat(r) && r.body?.session_id === undefined;
const secondTurn: Match = (r) => chat(r) && r.body?.session_id !== undefined;

describe('retries', SELF, () => {
  it('resends a chat turn that got a 503 and then no answer with the same Idempotency-Key, stored once', async () => {
    const user = await app.newUser();
    const rec = recording(app.fetch);
    const faulty = failFirst(failFirst(rec.fetch, 1, firstTurn, 'refused'), 1, firstTurn);
    const outer = recording(faulty);
    const { exitCode, report } = await populate(app, { testUser: user, journalEntries: 0, chatSessions: 1 }, { fetch: outer.fetch });
    const sent = outer.requests.filter(firstTurn);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.headers.get('idempotency-key'))).size).toBe(1);
    expect(sent[0]!.headers.get('idempotency-key')).toMatch(/^populate-1-session-0-turn1-/);
    expect(rec.requests.filter(firstTurn)).toHaveLength(1);
    expect([exitCode, report.sessions.created, report.successRate]).toEqual([0, 1, 100]);
    expect(await app.rows(user)).toEqual(reported(report));
  });

  it('a write whose answer was lost is answered by the replay: entries and turns are stored once', async () => {
    const user = await app.newUser();
    const lossy = answerLost(answerLost(app.fetch, 1, posts('/entries/')), 1, secondTurn);
    const { exitCode, report } = await populate(app, { testUser: user, journalEntries: 1, chatSessions: 1 }, { fetch: lossy });
    expect(exitCode).toBe(0);
    expect(report.entries.created).toBe(1);
    expect(report.sessions.created).toBe(1);
    expect(await app.rows(user)).toEqual(reported(report));
  });

  it('gives up after four attempts of a 5xx: counted as a server failure; a lower --min-success-rate accepts it', async () => {
    const user = await app.newUser();
    const rec = recording(failFirst(app.fetch, Infinity, posts('/entries/')));
    const strict = await populate(app, { testUser: user, journalEntries: 1, chatSessions: 1 }, { fetch: rec.fetch });
    expect(strict.exitCode).toBe(1);
    expect(strict.report.entries).toMatchObject({ created: 0, failed: 1 });
    expect(strict.report.failuresByKind).toEqual({ server: 1 });
    expect(rec.requests.filter(posts('/entries/'))).toHaveLength(4);
    const lenient = await populate(app, { testUser: user, journalEntries: 1, chatSessions: 1, minSuccessRate: 80 }, { fetch: rec.fetch });
    expect(lenient.exitCode).toBe(0);
    expect(await app.rows(user)).toMatchObject({ entries: 0, sessions: 1 });
  });

  it('does not retry a 4xx: the request is counted failed with the API’s reason', async () => {
    const user = await app.newUser();
    const rec = recording(app.fetch);
    const invalid = alterBody(rec.fetch, posts('/entries/'), (b) => ({ ...b, entry_type: 'bogus' }));
    const { report } = await populate(app, { testUser: user, journalEntries: 2, chatSessions: 0 }, { fetch: invalid });
    expect(rec.requests.filter(posts('/entries/'))).toHaveLength(2);
    expect(report.entries).toMatchObject({ planned: 2, created: 0, failed: 2 });
    expect(report.failuresByKind).toEqual({ client: 2 });
    expect(report.failures[0]).toMatchObject({ status: 422, code: 'validation_error', reason: expect.stringContaining('entry_type') });
    expect(await app.rows(user)).toMatchObject({ entries: 0 });
  });
});

describe('failures are counted, never hidden', SELF, () => {
  it('a chat turn that fails makes its session failed, with its reason, and the rest still counts', async () => {
    const user = await app.newUser();
    let broken = false;
    const once: Match = (r) => secondTurn(r) && !broken && (broken = true);
    const fetch = alterBody(app.fetch, once, (b) => ({ ...b, message: '' }));
    const file = join(dir, 'turn.json');
    const { exitCode, report } = await populate(app, { testUser: user, journalEntries: 1, chatSessions: 2, report: file }, { fetch });
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
    // The failed session's first turn is stored and counted among the messages, not among the sessions.
    expect(await app.rows(user)).toMatchObject({ sessions: 2, messages: report.messages.ok });
  });

  it('every turn failing is a failed session with zero messages, never a created one', async () => {
    const user = await app.newUser();
    const { exitCode, report } = await populate(
      app,
      { testUser: user, journalEntries: 0, chatSessions: 1 },
      { fetch: failFirst(app.fetch, Infinity, chat) },
    );
    expect(exitCode).toBe(1);
    expect(report.sessions).toMatchObject({ created: 0, failed: 1 });
    expect(report.messages.ok).toBe(0);
    expect(report.failuresByKind).toEqual({ server: 1 });
    expect(await app.rows(user)).toMatchObject({ sessions: 0, messages: 0 });
  });

  it('a history that does not hold every turn in order fails verification, although each POST said 200', async () => {
    const user = await app.newUser();
    const history: Match = (r) => r.method === 'GET' && /^\/chat\/conversation\/.+\/history$/.test(r.path);
    const fetch = alterAnswer(app.fetch, history, (h) => {
      const messages = (h.messages as unknown[]).slice(0, -1);
      return { ...h, messages, message_count: messages.length };
    });
    const { exitCode, report } = await populate(app, { testUser: user, journalEntries: 0, chatSessions: 1 }, { fetch });
    expect(exitCode).toBe(1);
    expect(report.failures[0]).toMatchObject({ kind: 'verification', reason: expect.stringContaining('expected in order') });
  });

  it('a topic that cannot be created fails its entries as a dependency; nothing is written for them', async () => {
    const user = await app.newUser();
    const fetch = alterBody(app.fetch, posts('/topics/'), (b) => ({ ...b, name: '' }));
    const { report } = await populate(app, { testUser: user, journalEntries: 2, chatSessions: 0 }, { fetch });
    expect(report.topics.failed).toBe(report.topics.planned);
    expect(report.entries).toMatchObject({ failed: 2, created: 0 });
    expect(report.failuresByKind).toMatchObject({ client: report.topics.planned, dependency: 2 });
    expect(await app.rows(user)).toMatchObject({ topics: 0, entries: 0 });
  });

  it('an API that refuses connections: exit 2 naming it, before anything is planned', async () => {
    const { exitCode, err, report } = await populate(app, { testUser: await app.newUser() }, { fetch: refused });
    expect(exitCode).toBe(2);
    expect(err).toMatch(/cannot reach the API at .+ECONNREFUSED/);
    expect(report.error).toBeDefined();
  });

  it('a request unanswered within the timeout is a network failure, retried, and nothing unread is counted', async () => {
    const user = await app.newUser();
    const { report } = await populate(
      app,
      { testUser: user, journalEntries: 1, chatSessions: 0 },
      { fetch: slow(app.fetch, 1_000, posts('/entries/')), timeoutMs: 30 },
    );
    expect(report.entries).toMatchObject({ created: 0, failed: 1 });
    expect(report.failures[0]).toMatchObject({ kind: 'network', reason: expect.stringContaining('no answer within 30 ms') });
    expect(await app.rows(user)).toMatchObject({ entries: 0 });
  });
});
