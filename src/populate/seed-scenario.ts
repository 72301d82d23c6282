import { DEV_USER_ID } from '../contract/index.js';
import { createApi } from './api.js';
import type { PopulateOptions } from './options.js';
import { runPopulate, type PopulateIo, type PopulateResult } from './populate.js';
import { verificationLines } from './verify.js';

/**
 * Fixed, so every boot plans the same items and finds the ones an earlier boot wrote; this one gives
 * an English entry and one English and one German session.
 */
export const SEED_SCENARIO_SEED = 20_250_105;

/** The seed's command: `--chat-sessions 2 --journal-entries 1 --test-user <dev user> --seed …`. */
export function seedScenarioOptions(apiBase: string, modelReachable: boolean): PopulateOptions {
  return {
    apiBase,
    testUser: DEV_USER_ID,
    journalEntries: 1,
    chatSessions: 2,
    seed: SEED_SCENARIO_SEED,
    offline: !modelReachable,
    concurrency: 2,
  };
}

export function apiBaseOf(apiUrl: string): string {
  const trimmed = apiUrl.replace(/\/+$/, '');
  return /\/api\/v1$/.test(trimmed) ? trimmed : `${trimmed}/api/v1`;
}

/** Populates the seed scenario once (idempotent) and prints the verification read back from the API. */
export async function runSeedScenario(ctx: { apiUrl: string; modelReachable: boolean }, io: PopulateIo = {}): Promise<PopulateResult> {
  const out = io.out ?? ((t: string) => void process.stdout.write(t));
  const apiBase = apiBaseOf(ctx.apiUrl);
  out(
    ctx.modelReachable
      ? `Seed scenario for ${DEV_USER_ID}: content from the model.\n`
      : `Seed scenario for ${DEV_USER_ID}: no model reachable, using the offline generator for the content.\n`,
  );
  // One line per item is enough for five items; a bar would fight with the API's log lines.
  const result = await runPopulate(seedScenarioOptions(apiBase, ctx.modelReachable), { ...io, out, progressStream: undefined });
  if (result.report.error === undefined) {
    const api = createApi({ baseUrl: apiBase, ...(io.fetch ? { fetch: io.fetch } : {}) });
    out(`${(await verificationLines(api, DEV_USER_ID, result.report)).join('\n')}\n`);
  }
  return result;
}
