import { fixtures, newUser } from '../../helpers/factories.js';
import { describe, expect, it } from 'vitest';
import { ALL_FAULTS, type FaultRecord, injectFault, schedule, shortSchedule, unavailable } from '../../helpers/fault-schedule.js';
import { BACKEND_APP, stallPostgres, tagBackend, terminateBackendConnections } from '../../helpers/pg-faults.js';
import { check, observe } from '../../helpers/history.js';
import { classify, Load } from '../../helpers/load.js';
import { useStack } from '../../helpers/stack.js';
import { useProxy } from '../../helpers/use-proxy.js';
import { waitFor } from '../../helpers/wait.js';

// Process guarantees: the backend is a real process on a PostgreSQL of this file's own, reached through a
// TCP fault proxy. Short timeouts (configurable in production too) keep each fault to about a second.
const net = useProxy(tagBackend);
const stack = useStack({
  backendDatabaseUrl: net.wrap,
  env: { DB_ACQUIRE_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '1000', DB_QUERY_TIMEOUT_MS: '1500' },
});
const SOAK = process.env.JOURNAL_SOAK === '1';
// npm test: one fault of each class (backend, PostgreSQL, connections, network), chosen by the run's seed.
// JOURNAL_SOAK=1: every fault, JOURNAL_SOAK_ROUNDS rounds (default 5), longer holds, same checks.
const ROUNDS = SOAK ? Number(process.env.JOURNAL_SOAK_ROUNDS ?? 5) : 1;
const HOLD_MS = SOAK ? 800 : 250;

async function timed<T>(f: () => Promise<T>): Promise<{ out: T; ms: number }> {
  const started = performance.now();
  const out = await f();
  return { out, ms: Math.round(performance.now() - started) };
}

describe(
  'faults under concurrent writers',
  { meta: { classes: [9, 13], needs: ['process', 'private-postgres', 'restart', 'bundled'] } },
  () => {
    it('PostgreSQL ends the backend connections under 10 concurrent writers, 3 times: 503s (never a crash or a 500), recovery by itself, nothing acknowledged lost', async (_ctx) => {
      const seed = stack.info.seed;
      const users = await Promise.all(Array.from({ length: 10 }, async () => (await newUser(stack.api)).got));
      const pid = stack.backend.pid;
      const load = new Load(stack.api, users, { seed }).start();
      let ended = 0;
      for (let round = 1; round <= 3; round++) {
        // Terminate only once writes are flowing, so connections are checked out mid-request.
        const target = round * 8;
        await waitFor(() => load.acknowledged() >= target || !stack.backend.isRunning(), {
          timeoutMs: 20_000,
          intervalMs: 5,
          what: `${target} acknowledged writes`,
        });
        expect(stack.backend.isRunning(), `backend died (round ${round}):\n${stack.backend.output().slice(-15).join('\n')}`).toBe(true);
        ended += await terminateBackendConnections(stack.db);
      }
      await waitFor(() => load.acknowledged() >= 32 || !stack.backend.isRunning(), {
        timeoutMs: 20_000,
        intervalMs: 5,
        what: 'writes after the last fault',
      });
      await load.stop();
      expect(stack.backend.isRunning(), `backend died:\n${stack.backend.output().slice(-15).join('\n')}`).toBe(true);
      expect(stack.backend.pid).toBe(pid);
      expect(ended, `no connection named ${BACKEND_APP} was found to terminate`).toBeGreaterThan(0);
      await load.resolve();
      console.log(`[faults] terminated ${ended} connections; ${load.history.summary()}`);
      const observed = await Promise.all(load.users.map((u, i) => observe(stack.api, i, u)));
      expect(check(load.history, observed), `seed ${seed}: ${load.history.summary()}`).toEqual([]);
    });

    it('PostgreSQL stalled (SIGSTOP): health unhealthy and 503s while it is still stopped (answered by the backend deadlines, not by PostgreSQL coming back); recovery by itself after SIGCONT', async (_ctx) => {
      const { got: u } = await newUser(stack.api);
      const load = new Load(stack.api, await Promise.all([1, 2, 3, 4].map(async () => (await newUser(stack.api)).got)), {
        seed: stack.info.seed,
      }).start();
      await waitFor(() => load.acknowledged() >= 8, { timeoutMs: 20_000, intervalMs: 5, what: 'writes before the stall' });
      const stall = stallPostgres(stack.postgres);
      let resumedAt = 0;
      let written: { status: number; body: unknown } | undefined;
      try {
        const [health, write, read] = await Promise.all([
          timed(() => stack.api.call('chatHealth')),
          timed(() => stack.api.call('createEntry', { body: { user_id: u.id, title: 'stalled', content: fixtures().entryText() } })),
          timed(() => stack.api.call('listEntries', { query: { user_id: u.id } })),
        ]);
        expect(health.out.status).toBe(503);
        expect(health.out.body).toMatchObject({ status: 'unhealthy', database_available: false });
        // Answered while PostgreSQL is still stopped (it is resumed only after these answers): the backend's own
        // deadlines answered, not PostgreSQL coming back. How long they took is a figure, not an assertion.
        console.log(`[faults] stall: answers in ${[health, write, read].map((r) => r.ms).join('/')} ms`);
        expect(write.out.status).toBe(503);
        written = write.out;
        expect(read.out).toMatchObject({ status: 503, body: { error: 'database_unavailable' } });
      } finally {
        stall.resume();
        resumedAt = performance.now();
      }
      await waitFor(async () => (await stack.api.call('chatHealth')).status === 200, { timeoutMs: 10_000, what: 'health after SIGCONT' });
      const recoveredMs = performance.now() - resumedAt;
      await load.stop();
      await load.resolve();
      // The stalled write's answer is true: "nothing was written" means nothing is stored once PostgreSQL runs
      // again; an answer that admits it does not know allows at most one entry.
      const entries = await stack.api.ok('listEntries', { query: { user_id: u.id } });
      if (classify(written!.status, written!.body)?.outcome === 'failed') expect(entries).toEqual([]);
      else expect(entries.length).toBeLessThanOrEqual(1);
      const observed = await Promise.all(load.users.map((id, i) => observe(stack.api, i, id)));
      expect(check(load.history, observed), `seed ${stack.info.seed}: ${load.history.summary()}`).toEqual([]);
      const slowest = Math.max(...load.history.ops.flatMap((o) => o.attempts.map((a) => a.ms)));
      console.log(`[faults] stall: recovered in ${Math.round(recoveredMs)} ms; slowest answer ${slowest} ms; ${load.history.summary()}`);
    });

    it(`a seeded fault schedule (${SOAK ? `${ROUNDS} rounds of every fault` : 'one fault of each class'}) under 6 writers: nothing acknowledged lost or duplicated, nothing denied written, order kept`, async (_ctx) => {
      const seed = stack.info.seed;
      const target = { api: stack.api, backend: stack.backend, postgres: stack.postgres, proxy: net.proxy, db: stack.db };
      const faults = ALL_FAULTS.filter((f) => !unavailable(f, target));
      const { got: probe } = await newUser(stack.api);
      const load = new Load(stack.api, await Promise.all(Array.from({ length: 6 }, async () => (await newUser(stack.api)).got)), {
        seed,
      }).start();
      const records: FaultRecord[] = [];
      for (const fault of SOAK ? schedule(seed, faults, ROUNDS) : shortSchedule(seed, faults)) {
        const before = load.acknowledged();
        // Each fault lands on writes in flight.
        await waitFor(() => load.acknowledged() >= before + 3, { timeoutMs: 20_000, intervalMs: 5, what: `writes before ${fault}` });
        records.push(await injectFault({ ...target, probeUserId: probe.id }, fault, HOLD_MS));
      }
      await load.stop();
      await load.resolve();
      const observed = await Promise.all(load.users.map((id, i) => observe(stack.api, i, id)));
      const problems = check(load.history, observed);
      console.log(
        `[faults] seed ${seed}: ${records.map((r) => `${r.fault} ${r.tookMs}+${r.recoveryMs} ms`).join(', ')}; ${load.history.summary()}`,
      );
      expect(problems, `seed ${seed} (JOURNAL_TEST_SEED=${seed} replays): ${load.history.summary()}`).toEqual([]);
      expect(load.history.count('failed') + load.history.count('unknown'), 'the faults reached the writers').toBeGreaterThan(0);
      expect(await stack.api.ok('readiness', {}, 200)).toMatchObject({ components: { database: { status: 'up' } } });
    });
  },
);
