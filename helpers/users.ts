import { inject } from 'vitest';
import { createBuilders } from '../fixtures/builders.js';
import type { Language } from '../src/contract/enums.js';
import type { User } from '../src/contract/users.js';
import type { ApiClient } from './api.js';
import { runTarget } from './deployment/run.js';

let builders: ReturnType<typeof createBuilders> | undefined;
/** One seeded builder set per test file (worker), from the run's seed. */
export function fixtures() {
  builders ??= createBuilders(inject('stack').seed);
  return builders;
}

/** Tests isolate by tenant: each makes its own user through the API instead of cleaning up. */
export async function createUser(api: ApiClient, opts: { timezone?: string; language?: Language } = {}): Promise<User> {
  const wish = fixtures().user(opts);
  // A target without this project's user route makes users its own way (its createUser hook).
  const external = runTarget().external;
  if (external) return (await external.createUser(wish)) as unknown as User;
  return api.ok('createUser', { body: wish }, 201);
}
