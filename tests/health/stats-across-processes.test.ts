import { newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../helpers/api.js';
import { useStack } from '../../helpers/stack.js';

// A process guarantee (regression 11: counters lost on restart): the backend runs as a child here, so the
// rest of health/ can run the app in-process.
const stack = useStack();

describe('/chat/stats across processes', { meta: { classes: [11], needs: ['restart', 'process'] } }, () => {
  it('survives a restart unchanged and agrees between two backend processes on one database', async (_ctx) => {
    const { got: u } = await newUser(stack.api);
    await stack.api.ok('chatMessage', { body: { user_id: u.id, message: 'count me' } });
    const before = (await stack.api.ok('chatStats')).service_stats;
    await stack.restart('graceful');
    expect((await stack.api.ok('chatStats')).service_stats).toEqual(before);
    const second = new ApiClient((await stack.startSecondBackend()).url);
    await second.ok('chatMessage', { body: { user_id: u.id, message: 'via the second process' } });
    const [one, two] = [(await stack.api.ok('chatStats')).service_stats, (await second.ok('chatStats')).service_stats];
    expect(one).toEqual(two);
    expect(one.messages_processed).toBe(before.messages_processed + 1);
  });
});
