import fc from 'fast-check';
import { expect } from 'vitest';
import type { ApiClient } from '../../helpers/api.js';
import type { Entry } from '../../src/contract/entries.js';
import { expectedMood, expectedWriting } from '../analytics/oracle.js';

/**
 * A model of what the API stores for the users a run creates, and fast-check commands that change the
 * real system and the model alike. After every command the real system must read as the model says, on
 * every route that shows the object: created objects readable everywhere, deleted ones gone everywhere,
 * analytics and stats equal to what the model computes (analytics through the independent oracle).
 */
export interface MUser {
  id: string;
  entries: Map<string, Entry>;
  deletedEntries: string[];
  topics: Map<string, { id: string; name: string }>;
  deletedTopics: string[];
  sessions: Map<string, { id: string; messages: { id: string; role: string; content: string }[] }>;
  deletedSessions: string[];
}

export interface Model {
  users: MUser[];
  restarts: number;
}

export interface Real {
  api: ApiClient;
  /** Resolves false when the run's restart budget is spent (nothing happened). */
  restart(mode: 'graceful' | 'kill'): Promise<boolean>;
  maxRestarts: number;
}

type Cmd = fc.AsyncCommand<Model, Real>;

const WORDS = [
  'calm',
  'walk',
  'rain',
  'friend',
  'tired',
  'happy',
  'work',
  'late',
  'garden',
  'music',
  'worried',
  'proud',
  'river',
  'coffee',
];
const TOPIC_NAMES = ['work', 'family', 'health', 'sleep', 'music'];
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 3, maxLength: 12 }).map((w) => w.join(' '));
const pick = <T>(xs: T[], n: number): T | undefined => (xs.length === 0 ? undefined : xs[n % xs.length]);

export async function newUser(api: ApiClient): Promise<MUser> {
  const u = await api.ok('createUser', { body: { username: 'model' } }, 201);
  expect(await api.ok('getUser', { params: { id: u.id } })).toEqual(u);
  return {
    id: u.id,
    entries: new Map(),
    deletedEntries: [],
    topics: new Map(),
    deletedTopics: [],
    sessions: new Map(),
    deletedSessions: [],
  };
}

class CreateUser implements Cmd {
  check = () => true;
  async run(m: Model, r: Real) {
    m.users.push(await newUser(r.api));
  }
  toString = () => 'CreateUser';
}

class CreateEntry implements Cmd {
  constructor(
    readonly u: number,
    readonly content: string,
  ) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real) {
    const user = pick(m.users, this.u)!;
    const e = await r.api.ok('createEntry', { body: { user_id: user.id, title: this.content.slice(0, 20), content: this.content } }, 201);
    user.entries.set(e.id, e);
    expect(await r.api.ok('getEntry', { params: { id: e.id }, query: { user_id: user.id } })).toEqual(e);
  }
  toString = () => `CreateEntry(${this.u}, ${JSON.stringify(this.content)})`;
}

class DeleteEntry implements Cmd {
  constructor(
    readonly u: number,
    readonly k: number,
  ) {}
  check = (m: Readonly<Model>) => m.users.some((u) => u.entries.size > 0);
  async run(m: Model, r: Real) {
    const user = pick(
      m.users.filter((u) => u.entries.size > 0),
      this.u,
    )!;
    const id = pick([...user.entries.keys()], this.k)!;
    expect((await r.api.call('deleteEntry', { params: { id }, query: { user_id: user.id } })).status).toBe(204);
    user.entries.delete(id);
    user.deletedEntries.push(id);
    expect((await r.api.call('getEntry', { params: { id }, query: { user_id: user.id } })).status).toBe(404);
  }
  toString = () => `DeleteEntry(${this.u}, ${this.k})`;
}

class CreateTopic implements Cmd {
  constructor(
    readonly u: number,
    readonly name: string,
  ) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real) {
    const user = pick(m.users, this.u)!;
    const out = await r.api.call('createTopic', { body: { user_id: user.id, name: this.name } });
    const existing = user.topics.get(this.name);
    // An existing live name answers 200 with the same topic; a new (or deleted) name is a new topic.
    expect(out.status).toBe(existing ? 200 : 201);
    if (!out.ok) throw new Error(`createTopic: ${JSON.stringify(out.body)}`);
    if (existing) expect(out.body.id).toBe(existing.id);
    else expect(user.deletedTopics).not.toContain(out.body.id);
    user.topics.set(this.name, { id: out.body.id, name: this.name });
  }
  toString = () => `CreateTopic(${this.u}, ${this.name})`;
}

class DeleteTopic implements Cmd {
  constructor(
    readonly u: number,
    readonly k: number,
  ) {}
  check = (m: Readonly<Model>) => m.users.some((u) => u.topics.size > 0);
  async run(m: Model, r: Real) {
    const user = pick(
      m.users.filter((u) => u.topics.size > 0),
      this.u,
    )!;
    const t = pick([...user.topics.values()], this.k)!;
    expect((await r.api.call('deleteTopic', { params: { id: t.id }, query: { user_id: user.id } })).status).toBe(204);
    user.topics.delete(t.name);
    user.deletedTopics.push(t.id);
  }
  toString = () => `DeleteTopic(${this.u}, ${this.k})`;
}

class ChatTurn implements Cmd {
  constructor(
    readonly u: number,
    /** Index of a live session of the user, or null for a new one. */
    readonly s: number | null,
    readonly message: string,
  ) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real) {
    const user = pick(m.users, this.u)!;
    const session = this.s === null ? undefined : pick([...user.sessions.values()], this.s);
    const out = await r.api.ok('chatMessage', {
      body: { user_id: user.id, message: this.message, ...(session && { session_id: session.id }) },
    });
    const s = session ?? { id: out.session_id, messages: [] };
    if (session) expect(out.session_id).toBe(session.id);
    s.messages.push(
      { id: out.processing_metadata.user_message_id, role: 'user', content: this.message },
      { id: out.message_id, role: 'assistant', content: out.content },
    );
    user.sessions.set(s.id, s);
  }
  toString = () => `ChatTurn(${this.u}, ${this.s}, ${JSON.stringify(this.message)})`;
}

class DeleteSession implements Cmd {
  constructor(
    readonly u: number,
    readonly k: number,
  ) {}
  check = (m: Readonly<Model>) => m.users.some((u) => u.sessions.size > 0);
  async run(m: Model, r: Real) {
    const user = pick(
      m.users.filter((u) => u.sessions.size > 0),
      this.u,
    )!;
    const s = pick([...user.sessions.values()], this.k)!;
    expect((await r.api.call('deleteSession', { params: { id: s.id }, query: { user_id: user.id } })).status).toBe(204);
    user.sessions.delete(s.id);
    user.deletedSessions.push(s.id);
  }
  toString = () => `DeleteSession(${this.u}, ${this.k})`;
}

class Restart implements Cmd {
  constructor(readonly mode: 'graceful' | 'kill') {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real) {
    // Bounded per run (restarts cost about a second each); beyond the bound this command changes nothing.
    if (m.restarts >= r.maxRestarts) return;
    if (await r.restart(this.mode)) m.restarts++;
  }
  toString = () => `Restart(${this.mode})`;
}

class CheckUser implements Cmd {
  constructor(readonly u: number) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real) {
    await checkUser(r.api, pick(m.users, this.u)!);
  }
  toString = () => `CheckUser(${this.u})`;
}

const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));

/** Every route that shows a user's objects agrees with the model. */
export async function checkUser(api: ApiClient, user: MUser): Promise<void> {
  const q = { user_id: user.id };
  // Entries: list, one by one, deleted ones 404.
  const entries = await api.ok('listEntries', { query: q });
  expect(byId(entries)).toEqual(byId([...user.entries.values()]));
  for (const e of user.entries.values()) expect(await api.ok('getEntry', { params: { id: e.id }, query: q })).toEqual(e);
  for (const id of user.deletedEntries) expect((await api.call('getEntry', { params: { id }, query: q })).status).toBe(404);
  // Topics.
  const topics = await api.ok('listTopics', { query: q });
  expect(topics.map((t) => ({ id: t.id, name: t.name })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(byId([...user.topics.values()]));
  for (const t of user.topics.values()) expect((await api.ok('getTopic', { params: { id: t.id }, query: q })).name).toBe(t.name);
  for (const id of user.deletedTopics) expect((await api.call('getTopic', { params: { id }, query: q })).status).toBe(404);
  // Sessions: the chat view, the sessions view and the export agree with the model.
  const live = [...user.sessions.values()];
  const convs = await api.ok('conversations', { query: { ...q, limit: 200 } });
  expect(convs.conversations.map((c) => ({ id: c.id, n: c.message_count })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
    byId(live.map((s) => ({ id: s.id, n: s.messages.length }))),
  );
  expect((await api.ok('listSessions', { query: q })).map((s) => s.id).sort()).toEqual(live.map((s) => s.id).sort());
  for (const s of live) {
    const h = await api.ok('history', { params: { session_id: s.id }, query: { ...q, limit: 1000 } });
    expect(h.messages.map((m) => ({ id: m.id, role: m.role, content: m.content }))).toEqual(s.messages);
    expect((await api.ok('sessionMessages', { params: { id: s.id }, query: q })).map((m) => m.id)).toEqual(s.messages.map((m) => m.id));
  }
  for (const id of user.deletedSessions) {
    expect((await api.call('history', { params: { session_id: id }, query: q })).status).toBe(404);
    expect((await api.call('getSession', { params: { id }, query: q })).status).toBe(404);
    expect((await api.call('exportSession', { params: { id }, query: q })).status).toBe(404);
  }
  // Stats and analytics from the model: counts of live sessions and their user turns; entries via the oracle.
  const userTurns = live.reduce((n, s) => n + s.messages.filter((m) => m.role === 'user').length, 0);
  const stats = await api.ok('chatStats', { query: q });
  expect({ total: stats.service_stats.total_conversations, turns: stats.service_stats.messages_processed }).toEqual({
    total: live.length,
    turns: userTurns,
  });
  const before = new Date();
  const mood = await api.ok('moodAnalytics', { query: { ...q, days: 30, tz: 'UTC' } });
  const writing = await api.ok('writingAnalytics', { query: { ...q, days: 30, tz: 'UTC' } });
  const after = new Date();
  expect(mood.chat.messages).toBe(userTurns);
  const { generated_at: _m, chat: _c, ...moodBody } = mood;
  const { generated_at: _w, ...writingBody } = writing;
  const rows = [...user.entries.values()];
  // A window that crosses midnight between the two reads may match either side.
  const candidates = [before, after].map((now) =>
    JSON.stringify([expectedMood(rows, now, 30, 'UTC'), expectedWriting(rows, now, 30, 'UTC')]),
  );
  if (!candidates.includes(JSON.stringify([moodBody, writingBody]))) {
    expect(moodBody).toEqual(expectedMood(rows, after, 30, 'UTC'));
    expect(writingBody).toEqual(expectedWriting(rows, after, 30, 'UTC'));
  }
}

export function commands(opts: { restarts: boolean }) {
  const u = fc.nat(7);
  const entry = fc.tuple(u, text).map(([a, t]) => new CreateEntry(a, t));
  const turn = fc.tuple(u, fc.option(fc.nat(3), { freq: 3 }), text).map(([a, s, t]) => new ChatTurn(a, s, t));
  // Creation is listed twice (weighted), so sequences build up objects for the deletes to find.
  return [
    fc.constant(new CreateUser()),
    entry,
    entry,
    turn,
    turn,
    fc.tuple(u, fc.nat(7)).map(([a, k]) => new DeleteEntry(a, k)),
    fc.tuple(u, fc.constantFrom(...TOPIC_NAMES)).map(([a, n]) => new CreateTopic(a, n)),
    fc.tuple(u, fc.nat(7)).map(([a, k]) => new DeleteTopic(a, k)),
    fc.tuple(u, fc.nat(7)).map(([a, k]) => new DeleteSession(a, k)),
    fc.tuple(u).map(([a]) => new CheckUser(a)),
    ...(opts.restarts ? [fc.constantFrom<'graceful' | 'kill'>('graceful', 'kill').map((mode) => new Restart(mode))] : []),
  ];
}
