import { fixtures, newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { about } from '../../helpers/soft.js';

const stack = useStack();

// Guarantees any deployment of the API owes its clients, phrased so that a target with its own statuses
// and envelopes is judged on what it does (the strict shapes are pinned in routes.test.ts).

/** Every string in a body that looks like a date-time, with where it was found. */
function dateTimes(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? [[path, value]] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => dateTimes(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => dateTimes(v, path ? `${path}.${k}` : k));
  return [];
}

describe('behaviour any deployment owes its clients', () => {
  it('every timestamp an answer carries names its zone', { meta: { classes: [18] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const answers = {
      entry: await stack.api.ok('createEntry', { body: { user_id: u.id, title: 't', content: fixtures().entryText() } }, 201),
      chat: await stack.api.ok('chatMessage', { body: { user_id: u.id, message: 'How do I keep going?' } }),
      mood: await stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 7 } }),
      health: await stack.api.ok('chatHealth', {}, 200),
    };
    const naive = Object.entries(answers).flatMap(([route, body]) =>
      dateTimes(body)
        .filter(([, v]) => !/(Z|[+-]\d{2}:?\d{2})$/.test(v))
        .map(([path, v]) => `${route}.${path} = ${v}`),
    );
    expect(naive, 'timestamps without a zone').toEqual([]);
  });

  it('a deleted entry is gone from its reads and from the list', { meta: { classes: [25] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const kept = await stack.api.ok('createEntry', { body: { user_id: u.id, title: 'kept', content: fixtures().entryText() } }, 201);
    const gone = await stack.api.ok('createEntry', { body: { user_id: u.id, title: 'gone', content: fixtures().entryText() } }, 201);
    await stack.api.ok('deleteEntry', { params: { id: gone.id }, query: { user_id: u.id } }, 204);
    // Both reads judged: a deleted entry still readable must not hide it still listed.
    const read = await stack.api.call('getEntry', { params: { id: gone.id }, query: { user_id: u.id } });
    expect.soft(read.status, about(read, 'GET of the deleted entry:')).toBe(404);
    const listed = await stack.api.ok('listEntries', { query: { user_id: u.id } });
    expect
      .soft(
        listed.map((e) => e.id),
        about(listed, 'entries listed after the delete:'),
      )
      .toEqual([kept.id]);
  });

  it('chat health reports the real state: the database is up, so not an error', { meta: { classes: [12] } }, async () => {
    const h = await stack.api.ok('chatHealth', {}, 200);
    expect(['healthy', 'degraded']).toContain(h.status);
  });

  it("the same topic name twice is one topic of that user's", { meta: { classes: [15, 26] } }, async () => {
    const { got: u } = await newUser(stack.api);
    const name = fixtures().topicName();
    const first = await stack.api.ok('createTopic', { body: { user_id: u.id, name } });
    const again = await stack.api.ok('createTopic', { body: { user_id: u.id, name } });
    expect.soft(again.id, about(again, 'the second create answers the first topic:')).toBe(first.id);
    const listed = await stack.api.ok('listTopics', { query: { user_id: u.id } });
    expect
      .soft(
        listed.map((t) => t.id),
        about(listed, 'topics listed:'),
      )
      .toEqual([first.id]);
  });
});
