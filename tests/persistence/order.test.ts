import { newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { refusedOrKept } from '../../helpers/judge.js';
import { useStack } from '../../helpers/stack.js';

const stack = useStack();

// Historical data arrives out of time order (a diary typed in backwards, an import of old chats): a
// conversation's order is the order its turns were sent (sequence), never the times they claim.

const DAY = 86_400_000;

/** Turns of one session, each stamped a day before the previous one; returns what was sent in order. */
async function backwardsConversation(userId: string, start: string, turns: number) {
  const sent: string[] = [];
  let sessionId: string | undefined;
  for (let i = 0; i < turns; i++) {
    const message = `turn ${i + 1} of a conversation told backwards`;
    const timestamp = new Date(Date.parse(start) - i * DAY).toISOString();
    const r = await stack.api.ok('chatMessage', {
      body: { user_id: userId, message, ...(sessionId && { session_id: sessionId }), context_metadata: { timestamp } },
    });
    sessionId = r.session_id;
    sent.push(message, r.content);
  }
  return { sessionId: sessionId!, sent };
}

describe('a conversation is listed in the order it was sent, whatever times its turns carry', { meta: { classes: [13] } }, () => {
  it('history, session messages and export follow sequence when context_metadata.timestamp goes backwards', async () => {
    const { got: u } = await newUser(stack.api);
    const { sessionId, sent } = await backwardsConversation(u.id, '2025-06-10T12:00:00Z', 4);
    const q = { user_id: u.id };

    const history = await stack.api.ok('history', { params: { session_id: sessionId }, query: q });
    expect(history.messages.map((m) => m.content)).toEqual(sent);
    expect(history.messages.map((m) => m.metadata.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const messages = await stack.api.ok('sessionMessages', { params: { id: sessionId }, query: q });
    expect(messages.map((m) => [m.sequence, m.content])).toEqual(sent.map((c, i) => [i + 1, c]));

    const exported = await stack.api.ok('exportSession', { params: { id: sessionId }, query: q });
    if (typeof exported === 'string') throw new Error('the JSON export answered Markdown');
    expect(exported.messages.map((m) => [m.sequence, m.content])).toEqual(sent.map((c, i) => [i + 1, c]));
    expect(exported.session.recent_messages.map((m) => m.sequence)).toEqual([4, 5, 6, 7, 8]);

    // The latest turns are the last sent, not the latest in time: a short history is the tail by sequence.
    const tail = await stack.api.ok('history', { params: { session_id: sessionId }, query: { ...q, limit: 2 } });
    expect(tail.messages.map((m) => m.content)).toEqual(sent.slice(-2));
    // Each reply is stamped 1 ms after its own turn.
    for (let i = 0; i < sent.length; i += 2) {
      expect(Date.parse(history.messages[i + 1]!.timestamp) - Date.parse(history.messages[i]!.timestamp)).toBe(1);
    }
  });

  it('a turn before 1970 keeps its time: the reply is 1 ms after it and last_activity is the reply (issue 11 #11)', async () => {
    const { got: u } = await newUser(stack.api);
    const r = await stack.api.ok('chatMessage', {
      body: { user_id: u.id, message: 'The day of the moon landing.', context_metadata: { timestamp: '1969-07-20T20:17:40Z' } },
    });
    expect(r.timestamp).toBe('1969-07-20T20:17:40.001Z');
    const history = await stack.api.ok('history', { params: { session_id: r.session_id }, query: { user_id: u.id } });
    expect(history.messages.map((m) => m.timestamp)).toEqual(['1969-07-20T20:17:40.000Z', '1969-07-20T20:17:40.001Z']);
    const session = await stack.api.ok('getSession', { params: { id: r.session_id }, query: { user_id: u.id } });
    expect([session.created_at, session.last_activity]).toEqual(['1969-07-20T20:17:40.000Z', '1969-07-20T20:17:40.001Z']);
  });

  // Our bound (strict). Any deployment: an early time is refused naming the field, or kept as sent; never a 5xx.
  it('times before 1900-01-01T00:00:00Z are 422 naming the field; the bound itself is accepted', async () => {
    const { got: u } = await newUser(stack.api);
    if (stack.api.conformance === 'behaviour') {
      for (const created_at of ['1899-12-31T23:59:59Z', '1900-01-01T00:30:00+01:00', '1900-01-01T00:00:00Z']) {
        const body = { user_id: u.id, title: 'Old diary', content: 'A page from an old diary.', created_at };
        await refusedOrKept(
          stack.api,
          'createEntry',
          { body },
          {
            where: 'body',
            field: 'created_at',
            value: created_at,
            kept: (b) => {
              const got = (b as { created_at?: unknown }).created_at;
              if (typeof got === 'string') expect(Date.parse(got), `created_at ${got} for ${created_at}`).toBe(Date.parse(created_at));
            },
          },
        );
      }
      const timestamp = '1899-12-31T23:59:59Z';
      await refusedOrKept(
        stack.api,
        'chatMessage',
        { body: { user_id: u.id, message: 'Too early.', context_metadata: { timestamp } } },
        { where: 'body', field: 'context_metadata.timestamp', value: timestamp },
      );
      return;
    }
    const early = '1899-12-31T23:59:59Z';
    const chat = await stack.api.fail(
      'chatMessage',
      { body: { user_id: u.id, message: 'Too early.', context_metadata: { timestamp: early } } },
      422,
    );
    expect(chat.details).toEqual([{ path: 'context_metadata.timestamp', message: 'must not lie before 1900-01-01T00:00:00Z' }]);
    const entry = { user_id: u.id, title: 'Old diary', content: 'A page from an old diary.' };
    const e = await stack.api.fail('createEntry', { body: { ...entry, created_at: early } }, 422);
    expect(e.details).toEqual([{ path: 'created_at', message: 'must not lie before 1900-01-01T00:00:00Z' }]);
    // An offset that moves the instant before the bound counts as before it.
    await stack.api.fail('createEntry', { body: { ...entry, created_at: '1900-01-01T00:30:00+01:00' } }, 422);
    const first = await stack.api.ok('createEntry', { body: { ...entry, created_at: '1900-01-01T00:00:00Z' } }, 201);
    expect(first.created_at).toBe('1900-01-01T00:00:00.000Z');
    const turn = await stack.api.ok('chatMessage', {
      body: { user_id: u.id, message: 'Just in time.', context_metadata: { timestamp: '1900-01-01T00:00:00Z' } },
    });
    expect(turn.timestamp).toBe('1900-01-01T00:00:00.001Z');
    // Nothing was written by the refused requests.
    expect((await stack.api.ok('listEntries', { query: { user_id: u.id } })).map((x) => x.id)).toEqual([first.id]);
    expect((await stack.api.ok('conversations', { query: { user_id: u.id } })).total_count).toBe(1);
  });
});
