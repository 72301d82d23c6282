import { runSeedScenario } from './seed-scenario.js';

/**
 * `npm start` calls afterBoot() once the API is healthy and before it waits for Ctrl-C. It populates
 * the seed scenario for the development user (idempotent: every boot finds what an earlier one wrote)
 * and prints what the API reads back. A throw is printed and the stack keeps serving.
 */
export interface AfterBootContext {
  apiUrl: string;
  modelReachable: boolean;
}

export async function afterBoot(ctx: AfterBootContext): Promise<void> {
  // JOURNAL_SEED=0: an empty development user (tests of npm start that do not need the scenario).
  if (process.env.JOURNAL_SEED === '0') return;
  const { exitCode } = await runSeedScenario(ctx);
  if (exitCode !== 0) console.error(`Seed scenario finished with exit code ${exitCode}; see the report above.`);
}
