import fc from 'fast-check';
import { describe, it } from 'vitest';
import { useStack } from '../../helpers/stack.js';
import { checkUser, commands, type Model, newUser, type Real } from './model.js';

// Restarts are among the commands, so the backend is a real process.
const stack = useStack();
const SOAK = process.env.JOURNAL_SOAK === '1';
// npm test: a few short runs with at most one restart each; JOURNAL_SOAK=1: many longer runs.
const RUNS = SOAK ? Number(process.env.JOURNAL_SOAK_MODEL_RUNS ?? 40) : 2;
const MAX_COMMANDS = SOAK ? 60 : 14;
// Restarts cost about 1.5 s each: npm test has one among all its runs, a soak up to 3 per run.
const restartBudget = { left: SOAK ? Number.POSITIVE_INFINITY : 1, perRun: SOAK ? 3 : 1 };

describe(
  'model-based: users, topics, entries and sessions against a model, restarts among the commands',
  // The model is this project's contract (users, per-user topics, its analytics): the strict level.
  { meta: { level: 'strict', classes: [11, 13, 17, 20, 25], needs: ['restart'] } },
  () => {
    it(`${RUNS} seeded command sequences: created objects readable from every route, deleted ones gone, analytics and stats equal the model`, async (_ctx) => {
      const real: Real = {
        api: stack.api,
        restart: async (mode) => {
          if (restartBudget.left <= 0) return false;
          restartBudget.left--;
          await stack.restart(mode);
          return true;
        },
        maxRestarts: restartBudget.perRun,
      };
      await fc.assert(
        fc.asyncProperty(
          fc.commands(commands({ restarts: true }), { maxCommands: MAX_COMMANDS, size: SOAK ? 'large' : 'medium' }),
          async (cmds) => {
            // Two users from the start, so every command has someone to act for; CreateUser adds more.
            const model: Model = { users: [await newUser(stack.api), await newUser(stack.api)], restarts: 0 };
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            // Whatever the last command was, every user reads as the model says.
            for (const u of model.users) await checkUser(stack.api, u);
            console.log(
              `[model] ${[...cmds].length} commands, ${model.users.length} users, ${model.restarts} restarts: ${cmds.toString().slice(0, 300)}`,
            );
          },
        ),
        // The run's seed: a failure prints it with the shrunk command list, and JOURNAL_TEST_SEED replays it.
        { seed: stack.info.seed, numRuns: RUNS, endOnFailure: !SOAK },
      );
    });
  },
);
