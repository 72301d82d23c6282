import { describe, expect, it } from 'vitest';
import { BACKEND_APP, tagBackend, terminateBackendConnections } from '../../helpers/faults.js';
import { check, observe } from '../../helpers/history.js';
import { Load } from '../../helpers/load.js';
import { useStack } from '../../helpers/stack.js';
import { createUser } from '../../helpers/users.js';
import { waitFor } from '../../helpers/wait.js';

// A process guarantee: the backend must outlive its connections, so it runs as a real child process whose
// connections carry their own application_name.
const stack = useStack({ backendDatabaseUrl: tagBackend });

describe(
  'PostgreSQL ends the backend connections while requests are in flight',
  { meta: { classes: [9], needs: ['process', 'rows'] } },
  () => {
    it('10 concurrent writers, connections terminated 4 times: 503s (never a crash or a 500), recovery by itself, nothing acknowledged lost', async (ctx) => {
      if (!stack.has('database') || !stack.has('second-backend')) {
        console.warn(`skipped: ${stack.missing('database') || stack.missing('second-backend')}`);
        ctx.skip();
      }
      const seed = stack.info.seed;
      const users = await Promise.all(Array.from({ length: 10 }, () => createUser(stack.api)));
      const pid = stack.backend.pid;
      const load = new Load(stack.api, users, { seed }).start();
      let ended = 0;
      for (let round = 1; round <= 4; round++) {
        // Terminate only once writes are flowing, so connections are checked out mid-request.
        const target = round * 15;
        await waitFor(() => load.acknowledged() >= target || !stack.backend.isRunning(), {
          timeoutMs: 20_000,
          intervalMs: 5,
          what: `${target} acknowledged writes`,
        });
        expect(stack.backend.isRunning(), `backend died (round ${round}):\n${stack.backend.output().slice(-15).join('\n')}`).toBe(true);
        ended += await terminateBackendConnections(stack.db);
      }
      await waitFor(() => load.acknowledged() >= 75 || !stack.backend.isRunning(), {
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
  },
);
