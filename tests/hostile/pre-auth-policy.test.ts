import { newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { skipUnoffered, targetField } from '../../helpers/judge.js';
import { useStack } from '../../helpers/stack.js';

// Issue 11 finding 19, stated as policy in docs/CONTRACT.md ("Identity and ownership"): v1 keeps the
// original's pre-auth profile. A user id is an identifier, not a credential: any client that knows it reads
// the profile; GET /chat/stats without user_id answers service-wide counts (numbers only, no ids or text).
const stack = useStack();

// Any deployment owes what a profile and service-wide counts must not leak (no other user's ids, names or
// text); the exact fields and the per-user counts are this project's contract (a target whose document
// gives /chat/stats no user_id is not held to the per-user half).
describe('#19 the pre-auth profile, as the contract states it', { meta: { classes: [30, 15] } }, () => {
  it('a user profile is readable by id, by anyone who has the id, and only the profile fields', async (ctx) => {
    skipUnoffered(stack.api, ctx, 'getUser');
    const { got: u } = await newUser(stack.api);
    const read = await stack.api.ok('getUser', { params: { id: u.id } });
    if (stack.api.conformance === 'behaviour') {
      // What its own creation answered, read back (its document judged the shape).
      expect(read).toMatchObject({ id: u.id });
      return;
    }
    expect(read).toEqual(u);
    expect(Object.keys(read).sort()).toEqual(['created_at', 'display_name', 'id', 'language', 'timezone', 'username']);
  });

  it('GET /chat/stats without user_id is service-wide counts; with user_id, that user only', async (ctx) => {
    skipUnoffered(stack.api, ctx, 'chatMessage', 'chatStats');
    const [a, b] = [(await newUser(stack.api)).got, (await newUser(stack.api)).got];
    await stack.api.ok('chatMessage', { body: { user_id: a.id, message: 'first user' } });
    await stack.api.ok('chatMessage', { body: { user_id: b.id, message: 'second user' } });
    await stack.api.ok('chatMessage', { body: { user_id: b.id, message: 'second user again' } });
    const all = await stack.api.ok('chatStats', { query: {} });
    // Service-wide counts hold numbers only: no id, name or text of any user.
    const text = JSON.stringify(all);
    for (const leak of [a.id, b.id, a.username, 'first user', 'second user']) expect(text, 'service-wide stats').not.toContain(leak);
    if (stack.api.conformance === 'behaviour') {
      if (!(await targetField('chatStats', 'query', 'user_id'))) return;
      const [ofA, ofB] = [
        await stack.api.ok('chatStats', { query: { user_id: a.id } }),
        await stack.api.ok('chatStats', { query: { user_id: b.id } }),
      ];
      expect(JSON.stringify(ofA), "a's stats").not.toContain(b.id);
      expect(JSON.stringify(ofB), "b's stats").not.toContain(a.id);
      return;
    }
    const [ofA, ofB] = [
      await stack.api.ok('chatStats', { query: { user_id: a.id } }),
      await stack.api.ok('chatStats', { query: { user_id: b.id } }),
    ];
    expect(all.user_id).toBeNull();
    expect([ofA.user_id, ofB.user_id]).toEqual([a.id, b.id]);
    expect([ofA.service_stats.total_conversations, ofB.service_stats.total_conversations]).toEqual([1, 2]);
    expect([ofA.service_stats.messages_processed, ofB.service_stats.messages_processed]).toEqual([1, 2]);
    // Global counters cover both users (and whatever else this file's database holds), and hold only numbers.
    expect(all.service_stats.total_conversations).toBeGreaterThanOrEqual(3);
    expect(all.service_stats.messages_processed).toBeGreaterThanOrEqual(3);
  });
});
