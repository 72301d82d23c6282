import { describe, expect, it } from 'vitest';
import { expectedErrors } from '../../helpers/errors.js';
import { newEntry, newTopic, newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';

// Issue 16 row 7: after DELETE of a topic, GET of the topic was 404 while GET /entries/?topic_id=<it> still
// listed its entries (200), and a PUT sending back the entry's own topic_id was 422. One meaning now
// (docs/CONTRACT.md, Writes): a deleted topic's entries are detached (topic_id null, in the delete's own
// transaction), and a topic_id filter naming a topic the user does not have (deleted, unknown, another
// user's) is 404 topic_not_found naming topic_id.
const stack = useStack();

describe('#16.7 the entries of a deleted topic', { meta: { classes: [25] } }, () => {
  it('are detached: their topic_id is null, a PUT of what was read is accepted, and the filter is 404', async () => {
    const user = (await newUser(stack.api)).got;
    const user_id = user.id;
    const [gone, kept] = [(await newTopic(stack.api, user)).got, (await newTopic(stack.api, user)).got];
    const inGone = (await newEntry(stack.api, user, { topic_id: gone.id, entry_type: 'topic' })).got;
    const inKept = (await newEntry(stack.api, user, { topic_id: kept.id, entry_type: 'topic' })).got;
    expect(await stack.api.ok('listEntries', { query: { user_id, topic_id: gone.id } })).toEqual([inGone]);

    await stack.api.ok('deleteTopic', { params: { id: gone.id }, query: { user_id } }, 204);
    expect(await stack.api.fail('getTopic', { params: { id: gone.id }, query: { user_id } }, 404)).toEqual(
      expectedErrors.topicNotFound(gone.id),
    );

    // The entry is still there (only its topic went), detached; the topic's other entries are untouched.
    const detached = await stack.api.ok('getEntry', { params: { id: inGone.id }, query: { user_id } });
    expect(detached.topic_id).toBeNull();
    expect(detached).toMatchObject({ title: inGone.title, content: inGone.content, entry_type: 'topic' });
    expect(await stack.api.ok('getEntry', { params: { id: inKept.id }, query: { user_id } })).toEqual(inKept);
    expect(await stack.api.ok('listEntries', { query: { user_id, topic_id: kept.id } })).toEqual([inKept]);
    const all = await stack.api.ok('listEntries', { query: { user_id } });
    expect(all.map((e) => e.id).sort()).toEqual([inGone.id, inKept.id].sort());

    // Filtering by the deleted topic: 404 naming topic_id, as for a topic that never existed.
    expect(await stack.api.fail('listEntries', { query: { user_id, topic_id: gone.id } }, 404)).toEqual(
      expectedErrors.topicNotFound(gone.id, 'topic_id'),
    );

    // A client sending back what it read keeps the entry as it is.
    const put = await stack.api.ok('updateEntry', {
      params: { id: inGone.id },
      query: { user_id },
      body: { title: detached.title, content: detached.content, topic_id: detached.topic_id, entry_type: detached.entry_type },
    });
    expect(put.topic_id).toBeNull();
    // A stale copy naming the deleted topic is refused, as any topic the user does not have.
    expect(
      await stack.api.fail('updateEntry', { params: { id: inGone.id }, query: { user_id }, body: { topic_id: gone.id } }, 422),
    ).toEqual(expectedErrors.invalid('topic_id', 'must be a topic of this user'));
  });

  it('a topic_id filter naming a topic nobody has, or one of another user, is 404 naming topic_id', async () => {
    const [me, other] = [(await newUser(stack.api)).got, (await newUser(stack.api)).got];
    const theirs = (await newTopic(stack.api, other)).got;
    await newEntry(stack.api, other, { topic_id: theirs.id });
    const nobody = '7b0c1a52-9d55-4a35-8f0e-2a3b1c4d5e6f';
    for (const id of [nobody, theirs.id]) {
      expect(await stack.api.fail('listEntries', { query: { user_id: me.id, topic_id: id } }, 404)).toEqual(
        expectedErrors.topicNotFound(id, 'topic_id'),
      );
    }
    // A live topic without entries is an empty list, not a 404.
    const empty = (await newTopic(stack.api, me)).got;
    expect(await stack.api.ok('listEntries', { query: { user_id: me.id, topic_id: empty.id } })).toEqual([]);
  });

  it('an entry written into a topic while the topic is deleted ends detached or refused, never attached to the deleted topic', async () => {
    const user = (await newUser(stack.api)).got;
    const user_id = user.id;
    // Made one after the other: only the races below need to be concurrent.
    const topics: { id: string }[] = [];
    const entries: { id: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const topic = (await newTopic(stack.api, user)).got;
      topics.push(topic);
      entries.push((await newEntry(stack.api, user, { topic_id: topic.id })).got);
    }
    // Per topic at once: a new entry into it, a PUT moving an existing entry into it, and its delete.
    const raced = await Promise.all(
      topics.map(async (t, i) => {
        const create = stack.api.call('createEntry', {
          body: { user_id, title: `race ${i}`, content: 'written while its topic goes', topic_id: t.id },
        });
        const other = entries[(i + 1) % entries.length]!;
        const move = stack.api.call('updateEntry', { params: { id: other.id }, query: { user_id }, body: { topic_id: t.id } });
        const del = stack.api.call('deleteTopic', { params: { id: t.id }, query: { user_id } });
        return Promise.all([create, move, del]);
      }),
    );
    for (const [create, move, del] of raced) {
      expect(del.status).toBe(204);
      // Before the delete: written into the topic (then detached by it); after: the topic is not the user's.
      for (const r of [create, move]) {
        if (r.ok) expect([200, 201]).toContain(r.status);
        else expect(r.body).toEqual(expectedErrors.invalid('topic_id', 'must be a topic of this user'));
      }
    }
    expect(await stack.api.ok('listTopics', { query: { user_id } })).toEqual([]);
    const left = await stack.api.ok('listEntries', { query: { user_id, limit: 100 } });
    expect(left.filter((e) => e.topic_id !== null)).toEqual([]);
  });
});
