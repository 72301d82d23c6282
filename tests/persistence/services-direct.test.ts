import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { stubAiConfig } from '../../fixtures/ollama/index.js';
import { newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';
import { createAiGateway } from '../../src/ai/gateway.js';
import { ChatMessageBody } from '../../src/contract/chat.js';
import { SERVICE_VERSION } from '../../src/contract/openapi.js';
import { CreateSessionBody, PostSessionMessageBody } from '../../src/contract/sessions.js';
import { CreateTopicBody } from '../../src/contract/topics.js';
import { historyLimit } from '../../src/services/chat-turn.js';
import { chatMessage, endConversation } from '../../src/services/chat.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { ApiError } from '../../src/services/errors.js';
import { requestHash, writeOnce } from '../../src/services/idempotency.js';
import { owned, ownSession } from '../../src/services/ownership.js';
import { createSession, deleteSession, exportSession, exportToMarkdown, postSessionMessage } from '../../src/services/sessions.js';
import { createTopic, deleteTopic } from '../../src/services/topics.js';

// Bodies as the routes hand them over: parsed by the contract's schemas (defaults filled in).
const chatBody = (b: object) => ChatMessageBody.parse(b);
const sessionBody = (userId: string) => CreateSessionBody.parse({ user_id: userId, session_type: 'free_chat' });
const turn = (userId: string, content: string, role = 'user') => PostSessionMessageBody.parse({ user_id: userId, content, role });

// The services called directly over the file's clone of the migrated database, the model through the
// stack's stub: what the HTTP suites assert from outside, here at the function that owns it (this
// project's own code, so judged against the bundled backend only).
const stack = useStack();
let gateway: ServiceDeps['ai'] | undefined;
const deps = (): ServiceDeps => {
  gateway ??= createAiGateway(stubAiConfig({ host: stack.ollama.url }));
  return { db: stack.db, ai: gateway, now: () => new Date(), version: SERVICE_VERSION };
};
const SELF = { meta: { level: 'self' as const } };
const real = {
  get db() {
    return stack.db;
  },
  newUser: async () => (await newUser(stack.api)).got.id,
  rows: (userId: string) => stack.rows.counts(userId),
};

async function apiError(p: Promise<unknown>): Promise<Pick<ApiError, 'status' | 'code' | 'details'>> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return { status: e.status, code: e.code, details: e.details };
}

const countKeys = async (userId: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM idempotency_keys WHERE user_id = ${userId}`.execute(real.db)).rows[0]!.n;

describe('writeOnce: the one idempotent write path', SELF, () => {
  it('without a key: prepares and writes once per call, stores no key', async () => {
    const user = await real.newUser();
    let prepared = 0;
    const run = () =>
      writeOnce(deps(), undefined, async () => {
        prepared++;
        return async (db) => (await sql<{ n: number }>`SELECT 41 + 1 AS n`.execute(db)).rows[0]!.n;
      });
    expect([await run(), await run(), prepared]).toEqual([42, 42, 2]);
    expect(await countKeys(user)).toBe(0);
  });

  it('with a key: a replay answers the stored result without preparing again; another body is 409', async () => {
    const userId = await real.newUser();
    const req = { userId, scope: 'test.scope', key: randomUUID(), body: { a: 1 } };
    let prepared = 0;
    const prepare = async () => {
      prepared++;
      return async () => ({ n: prepared });
    };
    expect(await writeOnce(deps(), req, prepare)).toEqual({ n: 1 });
    expect(await writeOnce(deps(), req, prepare)).toEqual({ n: 1 });
    expect(prepared).toBe(1);
    await expect(writeOnce(deps(), { ...req, body: { a: 2 } }, prepare)).rejects.toThrow(
      'This Idempotency-Key was used with a different request',
    );
    expect(await apiError(writeOnce(deps(), { ...req, body: { a: 2 } }, prepare))).toEqual({
      status: 409,
      code: 'idempotency_conflict',
      details: [{ path: 'idempotency-key', message: 'reused with a different body' }],
    });
    // The same key in another scope or of another user is another request.
    expect(await writeOnce(deps(), { ...req, scope: 'other.scope' }, prepare)).toEqual({ n: 2 });
    expect(await countKeys(userId)).toBe(2);
  });

  it('with a key another request has claimed and not finished: 409 in progress, nothing prepared', async () => {
    const userId = await real.newUser();
    const req = { userId, scope: 'test.scope', key: randomUUID(), body: {} };
    await sql`INSERT INTO idempotency_keys (user_id, scope, key, request_hash, status_code, response)
      VALUES (${userId}, ${req.scope}, ${req.key}, ${requestHash(req.body)}, 0, 'null'::jsonb)`.execute(real.db);
    let prepared = 0;
    const e = await writeOnce(deps(), req, async () => {
      prepared++;
      return async () => 'written';
    }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    expect([(e as ApiError).status, (e as ApiError).message, (e as ApiError).details]).toEqual([
      409,
      'A request with this Idempotency-Key is still in progress',
      [{ path: 'idempotency-key', message: 'in progress' }],
    ]);
    expect(prepared).toBe(1);
  });

  it('with a key: a write that fails leaves no key, so the retry writes', async () => {
    const userId = await real.newUser();
    const req = { userId, scope: 'test.scope', key: randomUUID(), body: {} };
    await expect(
      writeOnce(deps(), req, async () => async () => {
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect(await countKeys(userId)).toBe(0);
    expect(await writeOnce(deps(), req, async () => async () => 'written')).toBe('written');
  });

  it('hashes the request body: equal bodies, equal hashes', () => {
    expect(requestHash({ a: 1 })).toBe(requestHash({ a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
    expect(requestHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('owned: a missing row is the 404 of its kind, or of its user', SELF, () => {
  it('answers the row when there is one', async () => {
    const row = { id: 'x' };
    expect(await owned(deps(), row, { kind: 'topic', userId: randomUUID(), id: 'x', path: 'id' })).toBe(row);
  });

  it('a known user: <kind>_not_found at the path given; an unknown user: user_not_found', async () => {
    const userId = await real.newUser();
    const id = randomUUID();
    for (const kind of ['topic', 'entry', 'session'] as const) {
      expect(await apiError(owned(deps(), undefined, { kind, userId, id, path: 'some.path' }))).toEqual({
        status: 404,
        code: `${kind}_not_found`,
        details: [{ path: 'some.path', message: 'not found' }],
      });
    }
    await expect(owned(deps(), undefined, { kind: 'topic', userId, id, path: 'id' })).rejects.toThrow(`topic ${id} not found`);
    expect(await apiError(ownSession(deps(), userId, id, 'session_id'))).toEqual({
      status: 404,
      code: 'session_not_found',
      details: [{ path: 'session_id', message: 'not found' }],
    });
    expect(await apiError(owned(deps(), undefined, { kind: 'entry', userId: randomUUID(), id, path: 'id' }))).toEqual({
      status: 404,
      code: 'user_not_found',
      details: [{ path: 'user_id', message: 'not found' }],
    });
  });
});

describe('chat turns', SELF, () => {
  it('a historical turn: the reply is 1 ms after it; a live one: the reply is not before it', async () => {
    const userId = await real.newUser();
    const old = await chatMessage(
      deps(),
      chatBody({ user_id: userId, message: 'An old day.', context_metadata: { timestamp: '1950-05-05T05:05:05Z' } }),
    );
    expect(old.timestamp).toBe('1950-05-05T05:05:05.001Z');
    const before = Date.now();
    const live = await chatMessage(deps(), chatBody({ user_id: userId, session_id: old.session_id, message: 'And today.' }));
    expect(Date.parse(live.timestamp)).toBeGreaterThanOrEqual(before);
    expect(live.processing_metadata.turn_count).toBe(2);
  });

  it('a live reply is stamped when the model answered, and strictly after the turn even within one millisecond', async () => {
    const userId = await real.newUser();
    let t = Date.parse('2026-02-01T10:00:00Z');
    // The clock moves 5 s while the model answers (it is read before and after the model call).
    const slowReply: ServiceDeps['ai']['reply'] = async (input) => {
      t += 5000;
      return deps().ai.reply(input);
    };
    const moving: ServiceDeps = { ...deps(), now: () => new Date(t), ai: { ...deps().ai, reply: slowReply } };
    const a = await chatMessage(moving, chatBody({ user_id: userId, message: 'Slow model.' }));
    expect(a.timestamp).toBe('2026-02-01T10:00:05.000Z');
    const frozen: ServiceDeps = { ...deps(), now: () => new Date('2026-02-01T11:00:00Z') };
    const b = await chatMessage(frozen, chatBody({ user_id: userId, message: 'Fast model.' }));
    expect(b.timestamp).toBe('2026-02-01T11:00:00.001Z');
  });

  it('stores the turn as sent and the reply with its analysis; a crisis reply is flagged', async () => {
    const userId = await real.newUser();
    const calm = await chatMessage(deps(), chatBody({ user_id: userId, message: 'A calm and happy day in the garden.' }));
    const crisis = await chatMessage(deps(), chatBody({ user_id: userId, message: 'I want to kill myself.' }));
    const rows = await real.db
      .selectFrom('chat_messages')
      .select(['session_id', 'role', 'is_fallback', 'crisis', 'sentiment_polarity', 'metadata'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    const of = (sessionId: string, role: string) => rows.find((r) => r.session_id === sessionId && r.role === role)!;
    expect(of(calm.session_id, 'user')).toMatchObject({ is_fallback: false, crisis: false });
    expect(of(calm.session_id, 'user').sentiment_polarity).toBeGreaterThan(0);
    expect(of(calm.session_id, 'assistant')).toMatchObject({ crisis: false, sentiment_polarity: null });
    expect(Object.keys(of(calm.session_id, 'assistant').metadata).sort()).toEqual(
      ['confidence', 'crisis_indicators', 'fallback', 'follow_up_suggestions', 'model', 'response_style', 'therapeutic_techniques'].sort(),
    );
    expect(crisis.crisis_indicators.length).toBeGreaterThan(0);
    expect(of(crisis.session_id, 'assistant').crisis).toBe(true);
    expect(of(crisis.session_id, 'user').crisis).toBe(false);
    const session = await real.db
      .selectFrom('chat_sessions')
      .select(['tags', 'description'])
      .where('id', '=', calm.session_id)
      .executeTakeFirstOrThrow();
    expect(session).toEqual({ tags: [], description: null });
  });

  it('only a user turn is answered by the model and analysed', async () => {
    expect([historyLimit('user'), historyLimit('assistant'), historyLimit('system')]).toEqual([20, 0, 0]);
    const userId = await real.newUser();
    const s = await createSession(deps(), sessionBody(userId));
    const out = await postSessionMessage(deps(), s.id, turn(userId, 'A note from the system that sounds very happy.', 'system'));
    expect(out.assistant_message).toBeNull();
    const row = await real.db
      .selectFrom('chat_messages')
      .select(['sentiment_polarity'])
      .where('session_id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(row.sentiment_polarity).toBeNull();
  });

  it('a session deleted while the model answered is a 404 at the write, and nothing is written', async () => {
    const userId = await real.newUser();
    const s = await createSession(deps(), sessionBody(userId));
    // The model is asked inside prepare; the session goes away before the write runs.
    const racing: ServiceDeps = {
      ...deps(),
      ai: {
        ...deps().ai,
        reply: async (input) => {
          await deleteSession(deps(), userId, s.id);
          return deps().ai.reply(input);
        },
      },
    };
    expect(await apiError(postSessionMessage(racing, s.id, turn(userId, 'Hello?', 'user')))).toEqual({
      status: 404,
      code: 'session_not_found',
      details: [{ path: 'id', message: 'not found' }],
    });
    expect((await real.rows(userId)).messages).toBe(0);
  });

  it('the model sees the session history in sequence order, only for a user turn', async () => {
    const userId = await real.newUser();
    const s = await createSession(deps(), sessionBody(userId));
    await postSessionMessage(deps(), s.id, turn(userId, 'first', 'user'));
    await postSessionMessage(deps(), s.id, turn(userId, 'a note', 'system'));
    const seen = await ownSession(deps(), userId, s.id, 'id', 20);
    expect(seen.history.map((m) => [m.role, m.content.slice(0, 5)])).toEqual([
      ['user', 'first'],
      ['assistant', seen.history[1]!.content.slice(0, 5)],
      ['system', 'a not'],
    ]);
    expect((await ownSession(deps(), userId, s.id, 'id', 0)).history).toEqual([]);
    const exported = await exportSession(deps(), userId, s.id);
    expect(exported.messages.map((m) => m.sequence)).toEqual([1, 2, 3]);
    const md = exportToMarkdown(exported);
    expect(md).toContain(`- Session: ${s.id}`);
    expect(md).toContain('- Messages: 3');
    expect(md).toContain('## 3. system');
  });
});

describe('topics and sessions addressed by id', SELF, () => {
  it('createTopic: created, then found (same id), then created anew after a delete', async () => {
    const userId = await real.newUser();
    const body = CreateTopicBody.parse({ user_id: userId, name: 'same' });
    const a = await createTopic(deps(), body);
    const b = await createTopic(deps(), body);
    expect([a.created, b.created, b.topic.id]).toEqual([true, false, a.topic.id]);
    expect(b.topic).toMatchObject({ name: 'same', entry_count: 0, last_entry_date: null });
    await deleteTopic(deps(), userId, a.topic.id);
    const c = await createTopic(deps(), body);
    expect(c.created).toBe(true);
    expect(c.topic.id).not.toBe(a.topic.id);
    expect(await apiError(deleteTopic(deps(), userId, a.topic.id))).toMatchObject({ status: 404, code: 'topic_not_found' });
  });

  it('endConversation: completes a live session; a deleted one is session_not_found, an unknown user user_not_found', async () => {
    const userId = await real.newUser();
    const s = await createSession(deps(), sessionBody(userId));
    expect(await endConversation(deps(), userId, s.id)).toMatchObject({ session_id: s.id, status: 'completed', message_count: 0 });
    await deleteSession(deps(), userId, s.id);
    expect(await apiError(endConversation(deps(), userId, s.id))).toEqual({
      status: 404,
      code: 'session_not_found',
      details: [{ path: 'session_id', message: 'not found' }],
    });
    expect(await apiError(endConversation(deps(), randomUUID(), s.id))).toMatchObject({ status: 404, code: 'user_not_found' });
  });
});
