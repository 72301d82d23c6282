import { inject } from 'vitest';
import { createBuilders } from '../fixtures/builders.js';
import type { Language } from '../src/contract/enums.js';
import type { ApiClient } from './api.js';

let builders: ReturnType<typeof createBuilders> | undefined;
/** One seeded builder set per test file (worker), from the run's seed. */
export function fixtures() {
  builders ??= createBuilders(inject('stack').seed);
  return builders;
}

/** Tests isolate by tenant: each makes its own user through the API instead of cleaning up. */
export async function createUser(api: ApiClient, opts: { timezone?: string; language?: Language } = {}) {
  return api.ok('createUser', { body: fixtures().user(opts) }, 201);
}
