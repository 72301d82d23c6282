import { describe, expect, it } from 'vitest';
import { newEntry, newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';

const stack = useStack();

// No lost update: writes racing on one entry are applied one after the other, each answer is the version it
// made, and a read afterwards returns the last of them.
describe('concurrent updates of one entry', { meta: { classes: [8] } }, () => {
  it('each answer is a version of its own, and the last one is what is read back', async () => {
    const { got: user } = await newUser(stack.api);
    const { got: entry } = await newEntry(stack.api, user);
    const titles = ['first', 'second', 'third', 'fourth'];
    const answers = await Promise.all(
      titles.map((title) => stack.api.ok('updateEntry', { params: { id: entry.id }, query: { user_id: user.id }, body: { title } })),
    );
    expect(answers.map((a) => a.version).sort()).toEqual([2, 3, 4, 5]);
    // Each answer carries the title its own request sent.
    expect(answers.map((a) => a.title)).toEqual(titles);
    const last = answers.find((a) => a.version === 5);
    expect(await stack.api.ok('getEntry', { params: { id: entry.id }, query: { user_id: user.id } })).toEqual(last);
  });
});
