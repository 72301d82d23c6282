import { newUser } from '../../helpers/factories.js';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bypass, http, passthrough } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { SESSION_TYPES } from '../../src/contract/enums.js';
import { detectLanguage } from '../../src/domain/text.js';
import { CORE_TOPICS } from '../../src/populate/themes.js';
import { useStack } from '../../helpers/stack.js';
import { populateOnline, rowCounts, useOllamaMsw } from './support.js';

const stack = useStack();
const { server, apiRoute } = useOllamaMsw(stack);
const dir = await mkdtemp(join(tmpdir(), 'populate-failures-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function everyone() {
  const r = await stack.db
    .selectFrom('topics')
    .select((eb) => [
      eb.fn.countAll<number>().as('topics'),
      eb.selectFrom('entries').select(eb.fn.countAll<number>().as('n')).as('entries'),
      eb.selectFrom('chat_sessions').select(eb.fn.countAll<number>().as('n')).as('sessions'),
    ])
    .executeTakeFirstOrThrow();
  return r;
}

/** Forwards the request to the real API with its JSON body changed, so the API's own answer comes back. */
async function forwardWith(request: Request, change: (body: Record<string, unknown>) => Record<string, unknown>): Promise<Response> {
  const body = change((await request.clone().json()) as Record<string, unknown>);
  return fetch(bypass(new Request(request.url, { method: request.method, headers: request.headers, body: JSON.stringify(body) })));
}

describe('the original failures, each as a test', { meta: { level: 'self', classes: [2, 10, 14, 26] } }, () => {
  it('missing --test-user: exit 2 and nothing is written', async () => {
    const before = await everyone();
    const { exitCode, err } = await populateOnline(stack, { journalEntries: 1, chatSessions: 1 });
    expect(exitCode).toBe(2);
    expect(err).toMatch(/--test-user <uuid> is required/);
    expect(await everyone()).toEqual(before);
  });

  it('an unknown user: exit 2 before any write, with a message naming the user', async () => {
    const ghost = randomUUID();
    const before = await everyone();
    const seen: string[] = [];
    server.events.on('request:start', ({ request }) => void seen.push(`${request.method} ${new URL(request.url).pathname}`));
    const { exitCode, err } = await populateOnline(stack, { testUser: ghost, journalEntries: 2, chatSessions: 2 });
    server.events.removeAllListeners('request:start');
    expect(exitCode).toBe(2);
    expect(err).toContain(`user ${ghost} does not exist`);
    expect(seen).toEqual([`GET /api/v1/users/${ghost}`]);
    expect(await everyone()).toEqual(before);
  });

  it('chat turns that fail: those sessions count as failed, exit 1, and the JSON report says why', async () => {
    const { got: user } = await newUser(stack.api);
    const broken = new Set<string>();
    // The second turn of the first two sessions is sent to a session that does not exist: the real API answers 404.
    server.use(
      http.post(apiRoute('/chat/message'), async ({ request }) => {
        const { session_id } = (await request.clone().json()) as { session_id?: string };
        if (!session_id || (broken.size >= 2 && !broken.has(session_id))) return passthrough();
        broken.add(session_id);
        return forwardWith(request, (b) => ({ ...b, session_id: randomUUID() }));
      }),
    );
    const file = join(dir, 'chat.json');
    const { exitCode, report, err } = await populateOnline(stack, {
      testUser: user.id,
      journalEntries: 0,
      chatSessions: 4,
      concurrency: 1,
      report: file,
    });
    expect(exitCode).toBe(1);
    expect(err).toMatch(/below the minimum 100%/);
    expect(report.sessions).toMatchObject({ planned: 4, created: 2, failed: 2 });
    expect(report.failuresByKind).toEqual({ client: 2 });
    expect(report.messages.ok).toBeLessThan(report.messages.planned);
    const json = JSON.parse(await readFile(file, 'utf8')) as typeof report;
    expect(json.failures).toHaveLength(2);
    for (const f of json.failures)
      expect(f).toMatchObject({
        subject: 'session',
        kind: 'client',
        status: 404,
        code: 'session_not_found',
        reason: expect.stringMatching(/^turn 2\/\d: .*session_not_found/),
      });
    expect(json.successRate).toBeCloseTo((12 / 14) * 100, 1);
    // What was stored is what the report says: two complete sessions and two with only their first turn.
    const counts = (await stack.db.selectFrom('chat_sessions').select('message_count').where('user_id', '=', user.id).execute()).map(
      (c) => c.message_count,
    );
    expect(counts.filter((n) => n === 2)).toHaveLength(2);
    expect(counts.filter((n) => n >= 4)).toHaveLength(2);
  });

  it('entry requests that fail are counted as failed, with the API’s reason', async () => {
    const { got: user } = await newUser(stack.api);
    let broken = 0;
    server.use(
      http.post(apiRoute('/entries/'), async ({ request }) =>
        broken++ === 0 ? forwardWith(request, (b) => ({ ...b, topic_id: randomUUID() })) : passthrough(),
      ),
    );
    const { exitCode, report } = await populateOnline(stack, { testUser: user.id, journalEntries: 3, chatSessions: 0 });
    expect(exitCode).toBe(1);
    expect(report.entries).toMatchObject({ planned: 3, created: 2, failed: 1 });
    expect(report.failures[0]).toMatchObject({
      subject: 'entry',
      kind: 'client',
      status: 422,
      reason: expect.stringContaining('topic_id'),
    });
    expect((await rowCounts(stack, user.id)).entries).toBe(2);
  });

  it('a re-run creates no new topics (nor anything else)', async () => {
    const { got: user } = await newUser(stack.api);
    await populateOnline(stack, { testUser: user.id, journalEntries: 2, chatSessions: 1, seed: 9 });
    const after = await rowCounts(stack, user.id);
    const again = await populateOnline(stack, { testUser: user.id, journalEntries: 2, chatSessions: 1, seed: 9 });
    expect(again.report.topics).toMatchObject({ created: 0, existing: 10 });
    expect(await rowCounts(stack, user.id)).toEqual(after);
    const names = await stack.db.selectFrom('topics').select('name').where('user_id', '=', user.id).execute();
    expect(names.map((n) => n.name).sort()).toEqual(CORE_TOPICS.map((t) => t.name).sort());
  });

  it('session types are stored as planned, all five of them', async () => {
    const { got: user } = await newUser(stack.api);
    const { report } = await populateOnline(stack, { testUser: user.id, journalEntries: 0, chatSessions: 5, seed: 3 });
    expect(report.sessions.created).toBe(5);
    const stored = await stack.db.selectFrom('chat_sessions').select('session_type').where('user_id', '=', user.id).execute();
    expect(new Set(stored.map((s) => s.session_type))).toEqual(new Set(SESSION_TYPES));
  });

  it('German items are stored as German (entries, their topics, and chat turns)', async () => {
    const { got: user } = await newUser(stack.api, { language: 'de' });
    const { exitCode, report } = await populateOnline(stack, {
      testUser: user.id,
      journalEntries: 8,
      chatSessions: 3,
      language: 'de',
      seed: 5,
    });
    expect(exitCode).toBe(0);
    // Written by the model (through msw), not by the offline generator.
    expect(report.modelFallbacks.count).toBe(0);
    const entries = await stack.db
      .selectFrom('entries')
      .innerJoin('topics', 'topics.id', 'entries.topic_id')
      .select(['entries.language', 'entries.emotion_analysis', 'topics.name'])
      .where('entries.user_id', '=', user.id)
      .execute();
    const german = entries.filter((e) => CORE_TOPICS.find((t) => t.name === e.name)?.language === 'de');
    expect(german.length).toBeGreaterThan(entries.length / 2);
    for (const e of entries) {
      const topicLanguage = CORE_TOPICS.find((t) => t.name === e.name)?.language;
      expect(e.language).toBe(topicLanguage);
      expect(e.emotion_analysis).toMatchObject({ language: topicLanguage });
    }
    const sessions = await stack.db.selectFrom('chat_sessions').select(['id', 'metadata']).where('user_id', '=', user.id).execute();
    const germanSessions = sessions.filter((x) => x.metadata.language === 'de');
    expect(germanSessions.length).toBeGreaterThan(0);
    for (const session of germanSessions) {
      const rows = await stack.db
        .selectFrom('chat_messages')
        .select(['role', 'content'])
        .where('session_id', '=', session.id)
        .orderBy('sequence')
        .execute();
      // Both sides: our turns, and the replies the API produced for them.
      for (const row of rows) expect(detectLanguage(row.content), `${row.role}: ${row.content}`).toBe('de');
    }
  });
});
