/** Test-run settings from the environment, each with the one default the suite documents. */
export const STACK_PROVIDERS = ['embedded', 'containers', 'external'] as const;
export type StackProvider = (typeof STACK_PROVIDERS)[number];

/**
 * Which level of conformance a run judges. `strict`: this project's exact envelope, statuses and schemas,
 * undocumented fields as drift. `behaviour`: what any deployment of the journaling API must do, read
 * through the target's own OpenAPI document and a tolerant error reader.
 */
export const CONFORMANCE_LEVELS = ['strict', 'behaviour'] as const;
export type Conformance = (typeof CONFORMANCE_LEVELS)[number];

export const DEFAULT_SEED = 20261123;

export function testSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.JOURNAL_TEST_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`JOURNAL_TEST_SEED must be an integer, got "${raw}"`);
  return n;
}

/** What a run judges and where it runs: the one decision, read once from the environment. */
export type RunPlan =
  | { provider: 'embedded'; conformance: Conformance }
  | { provider: 'containers'; conformance: Conformance }
  | { provider: 'external'; conformance: Conformance; target: { kind: 'url'; url: string } | { kind: 'image'; image: string } };

/**
 * Pure. The provider: JOURNAL_STACK when set (an unknown value names the valid ones), otherwise external
 * when a deployment is named (JOURNAL_API_URL or JOURNAL_TARGET_IMAGE), otherwise embedded. Containers are
 * never chosen just because a runtime answers: the default `npm test` must not depend on whatever Docker a
 * machine happens to run. The level: JOURNAL_CONFORMANCE when set; strict against the bundled backend,
 * behaviour against a deployment.
 */
export function planRun(env: NodeJS.ProcessEnv): RunPlan {
  const asked = env.JOURNAL_STACK || undefined;
  if (asked !== undefined && !(STACK_PROVIDERS as readonly string[]).includes(asked)) {
    throw new Error(`JOURNAL_STACK="${asked}" is not a stack provider; valid values: ${STACK_PROVIDERS.join(', ')}`);
  }
  const provider = (asked ?? (env.JOURNAL_API_URL || env.JOURNAL_TARGET_IMAGE ? 'external' : 'embedded')) as StackProvider;
  const level = env.JOURNAL_CONFORMANCE || undefined;
  if (level !== undefined && !(CONFORMANCE_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`JOURNAL_CONFORMANCE="${level}" is not a level; valid values: ${CONFORMANCE_LEVELS.join(', ')}`);
  }
  const conformance = (level ?? (provider === 'external' ? 'behaviour' : 'strict')) as Conformance;
  if (provider !== 'external') return { provider, conformance };
  if (env.JOURNAL_TARGET_IMAGE) return { provider, conformance, target: { kind: 'image', image: env.JOURNAL_TARGET_IMAGE } };
  if (env.JOURNAL_API_URL) return { provider, conformance, target: { kind: 'url', url: env.JOURNAL_API_URL } };
  throw new Error('JOURNAL_STACK=external needs JOURNAL_API_URL (e.g. http://127.0.0.1:8000) or JOURNAL_TARGET_IMAGE');
}
