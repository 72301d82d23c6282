import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixtures, newChatTurn, newEntry, newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';
import { down, up } from '../../src/db/migrations/0004_analytics_rollups.js';

const stack = useStack();

// Migration 0004 builds the rollups of the rows that exist when it runs: analytics answer the same before
// the rollups are dropped and after the migration rebuilt them from the rows alone.
describe('analytics rollups migration', { meta: { classes: [17, 31], needs: ['bundled'] } }, () => {
  it('backfills the rollups of every existing user from their rows', async () => {
    const f = fixtures();
    const users = [
      (await newUser(stack.api, { timezone: 'Europe/Berlin' })).got,
      (await newUser(stack.api, { timezone: 'America/St_Johns' })).got,
    ];
    for (const u of users) {
      // One at a time: what is tested is the migration, not concurrency (read-your-writes.test.ts does that).
      const made = [];
      for (let i = 0; i < 12; i++) {
        const at = new Date(Date.now() - f.int(0, 25) * 86_400_000 - f.int(60, 86_000) * 1000).toISOString();
        made.push(await newEntry(stack.api, u, { created_at: at }));
      }
      await stack.api.ok('deleteEntry', { params: { id: made[0]!.got.id }, query: { user_id: u.id } }, 204);
      await newChatTurn(stack.api, u);
    }
    const answers = async () =>
      Promise.all(
        users.map(async (u) => {
          const { generated_at: _m, ...mood } = await stack.api.ok('moodAnalytics', { query: { user_id: u.id, days: 30 } });
          const { generated_at: _w, ...writing } = await stack.api.ok('writingAnalytics', { query: { user_id: u.id, days: 30 } });
          return { mood, writing };
        }),
      );
    const before = await answers();
    expect(before[0]!.writing.total_entries).toBe(11);
    expect(before[0]!.mood.chat.messages).toBe(1);

    await down(stack.db as unknown as Kysely<unknown>);
    await up(stack.db as unknown as Kysely<unknown>);
    const zones = await stack.db
      .selectFrom('users')
      .select(['id', 'analytics_zones'])
      .where(
        'id',
        'in',
        users.map((u) => u.id),
      )
      .execute();
    expect(Object.fromEntries(zones.map((z) => [z.id, z.analytics_zones]))).toEqual(
      Object.fromEntries(users.map((u) => [u.id, [u.timezone]])),
    );
    expect(await answers()).toEqual(before);
  });
});
