import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestInput, RawInput } from '../../helpers/api.js';
import { expectedErrors } from '../../helpers/errors.js';
import { useStack } from '../../helpers/stack.js';
import { about, expectFields } from '../../helpers/soft.js';
import { newChatTurn, newEntry, newSession, newTopic, newUser } from '../../helpers/factories.js';
import type { RouteId } from '../../src/contract/routes.js';
import { DEV_USER_ID } from '../../src/contract/enums.js';

const stack = useStack();
const NOT_UUIDS = ['default_user', '123', '00000000-0000-0000-0000-00000000000g', 'null'];

async function devUserRows() {
  const c = await stack.rows.counts(DEV_USER_ID);
  return c.entries + c.topics + c.sessions + c.messages;
}

/**
 * The error answer, or what came instead as text: each check of a list is soft, so one verdict holds every
 * route's answer rather than the first.
 */
const failed = (route: RouteId, input: TestInput<RouteId> | RawInput, status: number) =>
  stack.api.fail(route, input, status).catch((e: Error) => e.message);

/** Builds a user with one of everything, through the API. */
async function populatedUser() {
  const { got: u } = await newUser(stack.api);
  const { got: topic } = await newTopic(stack.api, u);
  const { got: entry } = await newEntry(stack.api, u, { topic_id: topic.id });
  const { got: chat } = await newChatTurn(stack.api, u, { session_type: 'reflection_buddy' });
  const { got: session } = await newSession(stack.api, u, { session_type: 'free_chat' });
  return { u, topic, entry, chat, session };
}

describe('identity: the user id given is the one stored and read', () => {
  it(
    'every stored row carries the user id the API was given, and the chat session id is the same everywhere',
    { meta: { classes: [1, 9, 14, 15], needs: ['rows'] } },
    async () => {
      const { u, topic, entry, chat } = await populatedUser();
      const rows = await stack.rows.owners({ topics: [topic.id], entries: [entry.id], sessions: [chat.session_id] });
      // Every check soft: each row, answer and read that names another user is its own violation.
      expect.soft(rows.map((r) => r.kind).sort(), 'stored rows').toEqual(['entry', 'message', 'message', 'session', 'topic']);
      for (const r of rows) expect.soft(r.user_id, `row.${r.kind}.user_id (${r.id})`).toBe(u.id);
      expect.soft(entry.user_id, about(entry, 'entry.user_id')).toBe(u.id);
      expect.soft(topic.user_id, about(topic, 'topic.user_id')).toBe(u.id);
      const convs = await stack.api.ok('conversations', { query: { user_id: u.id } });
      expect
        .soft(
          convs.conversations.map((c) => c.id),
          about(convs, 'conversations:'),
        )
        .toContain(chat.session_id);
      const hist = await stack.api.ok('history', { params: { session_id: chat.session_id }, query: { user_id: u.id } });
      expect.soft(hist.session_id, about(hist, 'history.session_id')).toBe(chat.session_id);
      expect
        .soft(hist.messages.find((m) => m.role === 'assistant')?.id, about(hist, 'history.messages.id (the reply)'))
        .toBe(chat.message_id);
      const s = await stack.api.ok('getSession', { params: { id: chat.session_id }, query: { user_id: u.id } });
      expectFields('session', s, { id: chat.session_id, user_id: u.id, session_type: 'reflection_buddy' });
    },
  );

  it('nothing lands on the development user unless it was named', { meta: { classes: [1], needs: ['rows'] } }, async () => {
    const before = await devUserRows();
    await populatedUser();
    expect.soft(await devUserRows(), 'development user rows after writes for another user').toBe(before);
    const now = await devUserRows();
    await newEntry(stack.api, DEV_USER_ID);
    expect.soft(await devUserRows(), 'development user rows after an entry naming it').toBe(now + 1);
  });

  it('non-UUID ids give 422 naming the field on every route that takes one', { meta: { classes: [4, 5, 6] } }, async () => {
    const { u, entry, session } = await populatedUser();
    const cases: [RouteId, Record<string, unknown>, string][] = [];
    for (const bad of NOT_UUIDS) {
      cases.push(
        ['getUser', { params: { id: bad } }, 'id'],
        ['listTopics', { query: { user_id: bad } }, 'user_id'],
        ['getTopic', { params: { id: bad }, query: { user_id: u.id } }, 'id'],
        ['deleteTopic', { params: { id: bad }, query: { user_id: u.id } }, 'id'],
        ['createTopic', { body: { user_id: bad, name: 'x' } }, 'user_id'],
        ['createEntry', { body: { user_id: bad, title: 't', content: 'abcd' } }, 'user_id'],
        ['createEntry', { body: { user_id: u.id, title: 't', content: 'abcd', topic_id: bad } }, 'topic_id'],
        ['listEntries', { query: { user_id: bad } }, 'user_id'],
        ['getEntry', { params: { id: bad }, query: { user_id: u.id } }, 'id'],
        ['getEntry', { params: { id: entry.id }, query: { user_id: bad } }, 'user_id'],
        ['updateEntry', { params: { id: bad }, query: { user_id: u.id }, body: { title: 'x' } }, 'id'],
        ['deleteEntry', { params: { id: bad }, query: { user_id: u.id } }, 'id'],
        ['moodAnalytics', { query: { user_id: bad } }, 'user_id'],
        ['writingAnalytics', { query: { user_id: bad } }, 'user_id'],
        ['chatMessage', { body: { user_id: bad, message: 'hi' } }, 'user_id'],
        ['chatMessage', { body: { user_id: u.id, session_id: bad, message: 'hi' } }, 'session_id'],
        ['conversations', { query: { user_id: bad } }, 'user_id'],
        ['history', { params: { session_id: bad }, query: { user_id: u.id } }, 'session_id'],
        ['startConversation', { body: { user_id: bad } }, 'user_id'],
        ['endConversation', { params: { session_id: bad }, query: { user_id: u.id } }, 'session_id'],
        ['chatStats', { query: { user_id: bad } }, 'user_id'],
        ['createSession', { body: { user_id: bad, session_type: 'free_chat' } }, 'user_id'],
        ['listSessions', { query: { user_id: bad } }, 'user_id'],
        ['getSession', { params: { id: bad }, query: { user_id: u.id } }, 'id'],
        ['sessionMessages', { params: { id: bad }, query: { user_id: u.id } }, 'id'],
        ['postSessionMessage', { params: { id: session.id }, body: { user_id: bad, content: 'x' } }, 'user_id'],
        ['deleteSession', { params: { id: bad }, query: { user_id: u.id } }, 'id'],
        ['exportSession', { params: { id: bad }, query: { user_id: u.id } }, 'id'],
      );
    }
    for (const [route, input, field] of cases) {
      if (!stack.api.offers(route)) continue;
      const where = (['params', 'query', 'body'] as const).find((w) => field in ((input[w] as object | undefined) ?? {}))!;
      // A field the target's own document does not take is ignored by it: not bad input there, only
      // "never a 5xx" holds. A declared id field must refuse a value that cannot name anything.
      if (!stack.api.declares(route, where, field)) {
        const status = await stack.api.raw(route, input as RawInput).then(
          (r) => r.status,
          (e: Error) => e.message,
        );
        expect.soft(status, `${route} ${JSON.stringify(input)}: ${where}.${field} is not in its document`).toBeLessThan(500);
        continue;
      }
      expect.soft(await failed(route, input, 422), `${route} ${JSON.stringify(input)}`).toEqual(expectedErrors.validation(field));
    }
  });

  it(
    'unknown users get 404 user_not_found on reads and writes, and nothing is written',
    { meta: { classes: [9], needs: ['rows'] } },
    async () => {
      const ghost = randomUUID();
      const notFound = expectedErrors.userNotFound(ghost);
      expect.soft(await failed('createEntry', { body: { user_id: ghost, title: 't', content: 'abcd' } }, 404)).toEqual(notFound);
      expect.soft(await failed('createTopic', { body: { user_id: ghost, name: 'x' } }, 404)).toEqual(notFound);
      expect.soft(await failed('chatMessage', { body: { user_id: ghost, message: 'hello' } }, 404)).toEqual(notFound);
      expect.soft(await failed('createSession', { body: { user_id: ghost, session_type: 'free_chat' } }, 404)).toEqual(notFound);
      expect.soft(await failed('listEntries', { query: { user_id: ghost } }, 404)).toEqual(notFound);
      expect.soft(await failed('moodAnalytics', { query: { user_id: ghost } }, 404)).toEqual(notFound);
      expect.soft(await failed('writingAnalytics', { query: { user_id: ghost } }, 404)).toEqual(notFound);
      expect.soft(await failed('conversations', { query: { user_id: ghost } }, 404)).toEqual(notFound);
      expect.soft(await failed('chatStats', { query: { user_id: ghost } }, 404)).toEqual(notFound);
      expect
        .soft(await stack.rows.counts(ghost), 'rows of the unknown user')
        .toMatchObject({ topics: 0, entries: 0, sessions: 0, messages: 0 });
    },
  );

  it("another user's objects are 404 on every read, update and delete, and stay untouched", { meta: { classes: [15, 25] } }, async () => {
    const owner = await populatedUser();
    const { got: other } = await newUser(stack.api);
    const q = { user_id: other.id };
    expect
      .soft(await failed('getEntry', { params: { id: owner.entry.id }, query: q }, 404))
      .toEqual(expectedErrors.entryNotFound(owner.entry.id));
    expect
      .soft(await failed('updateEntry', { params: { id: owner.entry.id }, query: q, body: { title: 'hijack' } }, 404))
      .toEqual(expectedErrors.entryNotFound(owner.entry.id));
    expect
      .soft(await failed('deleteEntry', { params: { id: owner.entry.id }, query: q }, 404))
      .toEqual(expectedErrors.entryNotFound(owner.entry.id));
    expect
      .soft(await failed('getTopic', { params: { id: owner.topic.id }, query: q }, 404))
      .toEqual(expectedErrors.topicNotFound(owner.topic.id));
    expect
      .soft(await failed('deleteTopic', { params: { id: owner.topic.id }, query: q }, 404))
      .toEqual(expectedErrors.topicNotFound(owner.topic.id));
    const sid = owner.chat.session_id;
    expect.soft(await failed('getSession', { params: { id: sid }, query: q }, 404)).toEqual(expectedErrors.sessionNotFound(sid));
    expect.soft(await failed('sessionMessages', { params: { id: sid }, query: q }, 404)).toEqual(expectedErrors.sessionNotFound(sid));
    expect
      .soft(await failed('postSessionMessage', { params: { id: sid }, body: { user_id: other.id, content: 'intrude' } }, 404))
      .toEqual(expectedErrors.sessionNotFound(sid));
    expect.soft(await failed('deleteSession', { params: { id: sid }, query: q }, 404)).toEqual(expectedErrors.sessionNotFound(sid));
    if (stack.api.offers('exportSession'))
      expect.soft(await failed('exportSession', { params: { id: sid }, query: q }, 404)).toEqual(expectedErrors.sessionNotFound(sid));
    expect
      .soft(await failed('history', { params: { session_id: sid }, query: q }, 404))
      .toEqual(expectedErrors.sessionNotFound(sid, 'session_id'));
    expect
      .soft(await failed('endConversation', { params: { session_id: sid }, query: q }, 404))
      .toEqual(expectedErrors.sessionNotFound(sid, 'session_id'));
    expect
      .soft(await failed('chatMessage', { body: { user_id: other.id, session_id: sid, message: 'intrude' } }, 404))
      .toEqual(expectedErrors.sessionNotFound(sid, 'session_id'));
    // The owner still sees everything unchanged.
    expect
      .soft(await stack.api.ok('getEntry', { params: { id: owner.entry.id }, query: { user_id: owner.u.id } }), "the owner's entry")
      .toEqual(owner.entry);
    const hist = await stack.api.ok('history', { params: { session_id: sid }, query: { user_id: owner.u.id } });
    expect.soft(hist.message_count, "the owner's history.message_count").toBe(2);
    expect.soft(await stack.api.ok('listEntries', { query: q }), "the other user's entries").toEqual([]);
    expect.soft((await stack.api.ok('conversations', { query: q })).total_count, "the other user's conversations").toBe(0);
    expect.soft(await stack.api.ok('listSessions', { query: q }), "the other user's sessions").toEqual([]);
    expect.soft(await stack.api.ok('listTopics', { query: q }), "the other user's topics").toEqual([]);
  });
});
