/** Test-run settings from the environment, each with the one default the suite documents. */
export const STACK_PROVIDERS = ['embedded', 'containers', 'external'] as const;
export type StackProvider = (typeof STACK_PROVIDERS)[number];

export const DEFAULT_SEED = 20261123;

export function testSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.JOURNAL_TEST_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`JOURNAL_TEST_SEED must be an integer, got "${raw}"`);
  return n;
}

/**
 * Pure: which provider the environment asks for. Containers are never chosen just because a runtime
 * answers: the default `npm test` must not depend on whatever Docker a machine happens to run (or on the
 * images it can pull), so JOURNAL_STACK=containers is the only way in.
 */
export function chooseProvider(env: NodeJS.ProcessEnv): StackProvider {
  const asked = env.JOURNAL_STACK;
  if (asked !== undefined && asked !== '') {
    if (!(STACK_PROVIDERS as readonly string[]).includes(asked)) {
      throw new Error(`JOURNAL_STACK="${asked}" is not a stack provider; valid values: ${STACK_PROVIDERS.join(', ')}`);
    }
    return asked as StackProvider;
  }
  return env.JOURNAL_API_URL || env.JOURNAL_TARGET_IMAGE ? 'external' : 'embedded';
}
