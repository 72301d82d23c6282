import { fixtures, newUser } from '../../helpers/factories.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import type { Need } from '../../helpers/needs.js';
import { populate, snapshot } from './snapshot.js';
import { waitFor } from '../../helpers/wait.js';
import { delay, http } from 'msw';
import { normalAnswer } from '../../fixtures/ollama/index.js';

const stack = useStack();

describe('persistence across backend restarts', () => {
  for (const mode of ['graceful', 'kill'] as const) {
    // A deployment restarts its own way (JOURNAL_RESTART_COMMAND or its target's hook): the graceful case only.
    const needs: Need[] = mode === 'kill' ? ['restart', 'process'] : ['restart'];
    it(
      `${mode === 'graceful' ? 'SIGTERM' : 'SIGKILL'}: every session, message, entry, topic, analytic and stat is identical afterwards`,
      { meta: { classes: [11, 13], needs } },
      async (_ctx) => {
        const u = await populate(stack);
        const before = await snapshot(stack, u.id);
        expect(before.sessions).toHaveLength(5);
        expect(before.histories.every((h) => h.messages.length === h.message_count && h.message_count > 0)).toBe(true);
        const pid = stack.mode === 'external' ? undefined : stack.backend.pid;
        await stack.restart(mode);
        if (pid !== undefined) expect.soft(stack.backend.pid, 'a new backend process').not.toBe(pid);
        // One result per part of the snapshot: lost sessions must not hide lost stats.
        const after = await snapshot(stack, u.id);
        for (const part of Object.keys(before) as (keyof typeof before)[])
          expect.soft(after[part], `${part} after the restart`).toEqual(before[part]);
      },
    );
  }

  it(
    'messages keep a strict user-before-assistant order that survives sorting by time',
    { meta: { classes: [13], needs: ['bundled'] } },
    async () => {
      const { got: u } = await newUser(stack.api);
      let sid: string | undefined;
      for (const m of ['a', 'b', 'c'])
        sid = (await stack.api.ok('chatMessage', { body: { user_id: u.id, session_id: sid, message: m } })).session_id;
      const rows = await stack.db
        .selectFrom('chat_messages')
        .select(['sequence', 'role', 'created_at'])
        .where('session_id', '=', sid!)
        .orderBy('created_at')
        .orderBy('sequence')
        .execute();
      expect
        .soft(
          rows.map((r) => r.sequence),
          'sequence in time order',
        )
        .toEqual([1, 2, 3, 4, 5, 6]);
      expect
        .soft(
          rows.map((r) => r.role),
          'roles in time order',
        )
        .toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
      for (let i = 1; i < rows.length; i++)
        expect
          .soft(rows[i]!.created_at.getTime(), `message ${i + 1} after message ${i}`)
          .toBeGreaterThan(rows[i - 1]!.created_at.getTime());
    },
  );

  it(
    'a burst of concurrent chat writes with a SIGKILL in the middle loses nothing acknowledged; retries create no duplicates',
    { meta: { classes: [9, 13], needs: ['restart', 'process', 'model-stub', 'bundled'] } },
    async (_ctx) => {
      const { got: u } = await newUser(stack.api);
      const f = fixtures();
      const requests = Array.from({ length: 40 }, (_, i) => ({
        key: randomUUID(),
        body: { user_id: u.id, message: `burst ${i}: ${f.entryText('en', 1)}` },
      }));
      const acknowledged = new Map<string, { session_id: string; message_id: string }>();
      // A model that takes 20-80 ms keeps many requests in flight when the kill lands.
      stack.ollama.use(
        http.post('*/api/chat', async ({ request }) => {
          await delay(20 + f.int(0, 60));
          return normalAnswer('chat', request);
        }),
      );
      const killer = waitFor(() => acknowledged.size >= 8, { timeoutMs: 30_000, intervalMs: 2, what: '8 acknowledged writes' }).then(() =>
        stack.backend.kill(),
      );
      await Promise.all(
        requests.map(async (r) => {
          const out = await stack.api.call('chatMessage', { body: r.body, headers: { 'Idempotency-Key': r.key } }).catch(() => null);
          if (out?.ok) acknowledged.set(r.key, { session_id: out.body.session_id, message_id: out.body.message_id });
        }),
      );
      await killer;
      stack.ollama.resetHandlers();
      await stack.restart('graceful');
      expect(acknowledged.size).toBeGreaterThan(0);
      for (const [, ack] of acknowledged) {
        const h = await stack.api.ok('history', { params: { session_id: ack.session_id }, query: { user_id: u.id } });
        expect
          .soft(
            h.messages.map((m) => m.role),
            `acknowledged session ${ack.session_id}`,
          )
          .toEqual(['user', 'assistant']);
        expect.soft(h.messages[1]?.id, `acknowledged reply of ${ack.session_id}`).toBe(ack.message_id);
      }
      // No chat session exists without both of its messages.
      const orphans = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM chat_sessions s WHERE s.user_id = ${u.id}
        AND (SELECT count(*) FROM chat_messages m WHERE m.session_id = s.id) <> 2`.execute(stack.db);
      expect.soft(orphans.rows[0]!.n, 'sessions without both messages').toBe(0);
      // Every request retried with its key: acknowledged ones replay, the others are written once.
      for (const r of requests) {
        const again = await stack.api.ok('chatMessage', { body: r.body, headers: { 'Idempotency-Key': r.key } });
        const ack = acknowledged.get(r.key);
        if (ack) expect.soft(again, `retry of acknowledged ${r.key}`).toMatchObject(ack);
        const third = await stack.api.ok('chatMessage', { body: r.body, headers: { 'Idempotency-Key': r.key } });
        expect.soft(third, `second retry of ${r.key}`).toEqual(again);
      }
      const counts = await sql<{ sessions: number; messages: number }>`
      SELECT (SELECT count(*)::int FROM chat_sessions WHERE user_id = ${u.id}) AS sessions,
             (SELECT count(*)::int FROM chat_messages WHERE user_id = ${u.id}) AS messages`.execute(stack.db);
      expect.soft(counts.rows[0], 'rows after every retry').toEqual({ sessions: requests.length, messages: requests.length * 2 });
    },
  );
});
