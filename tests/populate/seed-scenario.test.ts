import { newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { DEV_USER_ID, SESSION_TYPES } from '../../src/contract/enums.js';
import { runSeedScenario } from '../../src/populate/seed-scenario.js';
import { useStack } from '../../helpers/stack.js';
import { populateOnline, rowCounts, useOllamaMsw } from './support.js';

const stack = useStack();
useOllamaMsw(stack);

const SEED_COMMAND = { chatSessions: 2, journalEntries: 1, seed: 4242 };

async function sessionsOf(userId: string) {
  const sessions = await stack.db
    .selectFrom('chat_sessions')
    .select(['id', 'session_type'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  const messages = await stack.db
    .selectFrom('chat_messages')
    .select(['session_id', 'role', 'sequence', 'user_id'])
    .where('session_id', 'in', sessions.length ? sessions.map((s) => s.id) : ['00000000-0000-0000-0000-000000000000'])
    .orderBy('session_id')
    .orderBy('sequence')
    .execute();
  return { sessions, messages };
}

describe(
  'the seed command: --chat-sessions 2 --journal-entries 1 --test-user <uuid>',
  { meta: { level: 'self', classes: [2, 10], needs: ['restart', 'process', 'bundled'] } },
  () => {
    it('writes exactly 10 topics, 1 entry and 2 complete sessions for that user only, and the same after a restart', async () => {
      const { got: user } = await newUser(stack.api, { timezone: 'Europe/Berlin' });
      const othersBefore = await rowCounts(stack, user.id, true);

      const first = await populateOnline(stack, { ...SEED_COMMAND, testUser: user.id });
      expect(first.exitCode, first.out + first.err).toBe(0);
      expect(first.report).toMatchObject({
        successRate: 100,
        topics: { created: 10 },
        entries: { created: 1 },
        sessions: { created: 2 },
        modelFallbacks: { count: 0 },
      });
      const rows = await rowCounts(stack, user.id);
      expect(rows).toMatchObject({ topics: 10, entries: 1, sessions: 2 });
      expect(rows.messages).toBe(first.report.messages.planned);
      expect(await rowCounts(stack, user.id, true)).toEqual(othersBefore);

      const { sessions, messages } = await sessionsOf(user.id);
      for (const s of sessions) {
        const own = messages.filter((m) => m.session_id === s.id);
        expect(own.length).toBeGreaterThanOrEqual(4);
        expect(own.map((m) => m.role)).toEqual(own.map((_, i) => (i % 2 === 0 ? 'user' : 'assistant')));
        expect(new Set(own.map((m) => m.user_id))).toEqual(new Set([user.id]));
        expect(SESSION_TYPES).toContain(s.session_type);
      }
      const entry = await stack.db
        .selectFrom('entries')
        .select(['topic_id', 'user_id'])
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      const topic = await stack.db.selectFrom('topics').select('user_id').where('id', '=', entry.topic_id!).executeTakeFirstOrThrow();
      expect(topic.user_id).toBe(user.id);

      await stack.restart('graceful');
      const again = await populateOnline(stack, { ...SEED_COMMAND, testUser: user.id });
      expect(again.exitCode, again.out + again.err).toBe(0);
      expect(again.report).toMatchObject({
        successRate: 100,
        topics: { created: 0, existing: 10 },
        entries: { created: 0, existing: 1 },
        sessions: { created: 0, existing: 2 },
      });
      expect(await rowCounts(stack, user.id)).toEqual(rows);
    });

    it('npm start’s hook seeds the development user once, offline when no model is reachable, and verifies from the API', async () => {
      const out: string[] = [];
      const io = { out: (t: string) => void out.push(t), err: () => undefined };
      const first = await runSeedScenario({ apiUrl: stack.apiUrl, modelReachable: false }, io);
      expect(first.exitCode, out.join('')).toBe(0);
      expect(first.report.generator).toBe('offline');
      const rows = await rowCounts(stack, DEV_USER_ID);
      expect(rows).toMatchObject({ topics: 10, entries: 1, sessions: 2 });

      const text = out.join('');
      expect(text).toContain('no model reachable, using the offline generator');
      expect(text).toMatch(/topics: +10 /);
      expect(text).toMatch(/entries: +1 stored/);
      expect(text).toMatch(/conversations: 2 /);
      expect(text).toMatch(/\/chat\/health: +(healthy|degraded)/);
      expect(text).toMatch(/\/chat\/stats: +2 conversations/);
      expect(text).toMatch(/mood \(30 d\): +1 entries/);
      expect(text).toMatch(/writing \(30 d\): +\d+ words in 1 entries/);

      await stack.restart('kill');
      const second = await runSeedScenario({ apiUrl: stack.apiUrl, modelReachable: false }, io);
      expect(second.exitCode).toBe(0);
      expect(second.report).toMatchObject({ topics: { created: 0 }, entries: { created: 0 }, sessions: { created: 0 } });
      expect(await rowCounts(stack, DEV_USER_ID)).toEqual(rows);
    });
  },
);
