import { newUser } from '../../helpers/factories.js';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

const stack = useStack();

// Requests that address the same object at once: each answer must be one a sequential order of the two
// would give, and the final state must be what those answers claim. The pairs are sent all at once so
// that many of them interleave inside the backend (its pool serves ten at a time); which order each pair
// takes varies from run to run, the assertions hold for every order.
const PAIRS = 60;
const CREATES_PER_NAME = 3;

/** What an answer was, for the assertion message: a status and error code, or what went wrong. */
type Answered = { ok: true; status: number } | { ok: false; status: number; body: { error: string } };
const seen = (r: PromiseSettledResult<Answered>) =>
  r.status === 'rejected'
    ? `rejected: ${String(r.reason).slice(0, 200)}`
    : r.value.ok
      ? `${r.value.status}`
      : `${r.value.status} ${r.value.body.error}`;

// Reads this project's rows to check each race's final state.
const declared = { meta: { classes: [25, 26], needs: ['bundled' as const] } };
describe('a request racing the delete of its object answers as if the two ran one after the other', declared, () => {
  it('POST /chat/conversation/{id}/end racing DELETE /sessions/{id}: 200 or 404 session_not_found, and the row agrees', async () => {
    const { got: u } = await newUser(stack.api);
    const sessions = await Promise.all(
      Array.from({ length: PAIRS }, () => stack.api.ok('createSession', { body: { user_id: u.id, session_type: 'free_chat' } }, 201)),
    );
    const end = (id: string) => stack.api.call('endConversation', { params: { session_id: id }, query: { user_id: u.id } });
    const del = (id: string) => stack.api.call('deleteSession', { params: { id }, query: { user_id: u.id } });
    // Odd pairs send the end first, even ones the delete; each result array is [end, delete].
    const settled = await Promise.all(
      sessions.map((s, i) => Promise.allSettled(i % 2 ? [end(s.id), del(s.id)] : [del(s.id), end(s.id)].reverse())),
    );
    const ends = settled.map(([e]) => seen(e!));
    const dels = settled.map(([, d]) => seen(d!));
    expect(ends.filter((a) => a !== '200' && a !== '404 session_not_found')).toEqual([]);
    // Only the delete deletes, so it always finds the session.
    expect(dels.filter((a) => a !== '204')).toEqual([]);
    await Promise.all(sessions.map((s) => stack.api.fail('getSession', { params: { id: s.id }, query: { user_id: u.id } }, 404)));
    const rows = await stack.db.selectFrom('chat_sessions').select(['id', 'status']).where('user_id', '=', u.id).execute();
    const status = new Map(rows.map((r) => [r.id, r.status]));
    // An end that answered 200 completed the session before it was deleted; a 404 changed nothing.
    expect(sessions.map((s) => status.get(s.id))).toEqual(ends.map((a) => (a === '200' ? 'completed' : 'active')));
  });

  it('POST /sessions/{id}/messages racing DELETE /sessions/{id}: 201 or 404 session_not_found, and only answered turns are stored', async () => {
    const { got: u } = await newUser(stack.api);
    const sessions = await Promise.all(
      Array.from({ length: PAIRS }, () => stack.api.ok('createSession', { body: { user_id: u.id, session_type: 'free_chat' } }, 201)),
    );
    const post = (id: string) =>
      stack.api.call('postSessionMessage', { params: { id }, body: { user_id: u.id, content: 'Still here?', role: 'user' } });
    const del = (id: string) => stack.api.call('deleteSession', { params: { id }, query: { user_id: u.id } });
    // Odd pairs send the turn first, even ones the delete; each result array is [turn, delete].
    const settled = await Promise.all(
      sessions.map((s, i) => Promise.allSettled(i % 2 ? [post(s.id), del(s.id)] : [del(s.id), post(s.id)].reverse())),
    );
    const turns = settled.map(([t]) => seen(t!));
    expect(turns.filter((a) => a !== '201' && a !== '404 session_not_found')).toEqual([]);
    expect(settled.map(([, d]) => seen(d!)).filter((a) => a !== '204')).toEqual([]);
    const rows = await stack.db.selectFrom('chat_sessions').select(['id', 'message_count']).where('user_id', '=', u.id).execute();
    const messages = await stack.db.selectFrom('chat_messages').select('session_id').where('user_id', '=', u.id).execute();
    const count = new Map(rows.map((r) => [r.id, r.message_count]));
    const stored = (id: string) => messages.filter((m) => m.session_id === id).length;
    // A 201 stored the turn and its reply before the delete; a 404 stored nothing.
    const expected = turns.map((a) => (a === '201' ? 2 : 0));
    expect(sessions.map((s) => count.get(s.id))).toEqual(expected);
    expect(sessions.map((s) => stored(s.id))).toEqual(expected);
  });

  it('POST /topics/ racing DELETE of the topic of that name: 200 or 201, one live topic per name, and the list agrees', async () => {
    const { got: u } = await newUser(stack.api);
    const topics = await Promise.all(
      Array.from({ length: PAIRS }, (_, i) => stack.api.ok('createTopic', { body: { user_id: u.id, name: `race ${i}` } }, 201)),
    );
    const create = (name: string) => stack.api.call('createTopic', { body: { user_id: u.id, name } });
    const del = (id: string) => stack.api.call('deleteTopic', { params: { id }, query: { user_id: u.id } });
    // Every create is sent first; the deletes go out once the first create has answered, so that they meet
    // the backend busy with the creates (a DELETE has no body, so sent at the same time it would always be
    // handled first).
    const creates = topics.map((t) => Array.from({ length: CREATES_PER_NAME }, () => create(t.name)));
    await Promise.race(creates.flat());
    const deletes = topics.map((t) => del(t.id));
    const settled = await Promise.all(
      topics.map(async (_, i) => ({ creates: await Promise.allSettled(creates[i]!), del: (await Promise.allSettled([deletes[i]!]))[0]! })),
    );
    const answers = settled.flatMap((p) => p.creates.map(seen));
    expect(answers.filter((a) => a !== '200' && a !== '201')).toEqual([]);
    expect(settled.map((p) => seen(p.del)).filter((a) => a !== '204')).toEqual([]);
    const live = new Map((await stack.api.ok('listTopics', { query: { user_id: u.id } })).map((t) => [t.id, t.name]));
    const expected = new Map<string, string>();
    topics.forEach((old, i) => {
      const ok = settled[i]!.creates.flatMap((c) => (c.status === 'fulfilled' && c.value.ok ? [c.value] : []));
      for (const c of ok) expect(c.body.name).toBe(old.name);
      // Answers naming the old topic found it before the delete (200); any other id is the one topic a
      // create made after the delete: exactly one create made it (201), the others found it (200), and it
      // stays.
      for (const c of ok.filter((c) => c.body.id === old.id)) expect(c.status).toBe(200);
      const fresh = ok.filter((c) => c.body.id !== old.id);
      if (fresh.length === 0) return;
      expect(new Set(fresh.map((c) => c.body.id)).size).toBe(1);
      expect(fresh.filter((c) => c.status === 201)).toHaveLength(1);
      expected.set(fresh[0]!.body.id, old.name);
    });
    expect(live).toEqual(expected);
  });

  it('POST /topics/ held up mid-request while DELETE of that topic commits: 200 with the deleted topic or 201 with a new one', async () => {
    // Deterministic counterpart of the load test above: the create is held inside the backend until the
    // delete has committed. `users` is locked by this test (a create reads it first, to check its user; a
    // delete that finds its topic does not read it). It used to be `entries`, which the create reads for
    // the topic's counts, but a topic's delete now detaches its entries, so it writes `entries` too.
    const { got: u } = await newUser(stack.api);
    const old = await stack.api.ok('createTopic', { body: { user_id: u.id, name: 'held' } }, 201);
    const waiting = async () =>
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend' AND wait_event_type = 'Lock'`.execute(stack.db)
      ).rows[0]!.n;
    const create = await stack.db.transaction().execute(async (trx) => {
      await sql`LOCK TABLE users IN ACCESS EXCLUSIVE MODE`.execute(trx);
      const pending = stack.api.call('createTopic', { body: { user_id: u.id, name: 'held' } });
      await waitFor(async () => (await waiting()) > 0, { timeoutMs: 10_000, intervalMs: 20, what: 'the create to wait on the lock' });
      await stack.api.ok('deleteTopic', { params: { id: old.id }, query: { user_id: u.id } }, 204);
      return { pending };
    });
    const out = await create.pending;
    if (!out.ok) throw new Error(`createTopic answered ${out.status} ${out.body.error}: ${out.body.message}`);
    const live = (await stack.api.ok('listTopics', { query: { user_id: u.id } })).map((t) => t.id);
    if (out.status === 200) {
      expect(out.body.id).toBe(old.id);
      expect(live).toEqual([]);
    } else {
      expect(out.body.id).not.toBe(old.id);
      expect(live).toEqual([out.body.id]);
    }
  });
});
