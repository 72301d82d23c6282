import { newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';

// Issue 11 finding 19, stated as policy in docs/CONTRACT.md ("Identity and ownership"): v1 keeps the
// original's pre-auth profile. A user id is an identifier, not a credential: any client that knows it reads
// the profile; GET /chat/stats without user_id answers service-wide counts (numbers only, no ids or text).
const stack = useStack();

describe('#19 the pre-auth profile, as the contract states it', { meta: { level: 'strict', classes: [30, 15] } }, () => {
  it('a user profile is readable by id, by anyone who has the id, and only the profile fields', async () => {
    const { got: u } = await newUser(stack.api);
    const read = await stack.api.ok('getUser', { params: { id: u.id } });
    expect(read).toEqual(u);
    expect(Object.keys(read).sort()).toEqual(['created_at', 'display_name', 'id', 'language', 'timezone', 'username']);
  });

  it('GET /chat/stats without user_id is service-wide counts; with user_id, that user only', async () => {
    const [a, b] = [(await newUser(stack.api)).got, (await newUser(stack.api)).got];
    await stack.api.ok('chatMessage', { body: { user_id: a.id, message: 'first user' } });
    await stack.api.ok('chatMessage', { body: { user_id: b.id, message: 'second user' } });
    await stack.api.ok('chatMessage', { body: { user_id: b.id, message: 'second user again' } });
    const [all, ofA, ofB] = [
      await stack.api.ok('chatStats', { query: {} }),
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
    const text = JSON.stringify(all);
    for (const leak of [a.id, b.id, a.username, 'first user']) expect(text).not.toContain(leak);
  });
});
