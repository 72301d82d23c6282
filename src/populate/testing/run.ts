import type { PopulateOptions } from '../options.js';
import { runPopulate, type PopulateIo } from '../populate.js';
import { FakeApi } from './fake-api.js';

export const USER = '11111111-2222-4333-8444-555555555555';
export const NOW = new Date('2025-07-16T19:30:00Z');

/** runPopulate against a fresh (or given) FakeApi, offline, with instant retries and captured output. */
export async function runFake(options: PopulateOptions, fake = withUser(new FakeApi()), io: PopulateIo = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const result = await runPopulate(
    { apiBase: fake.base, testUser: USER, offline: true, ...options },
    {
      fetch: fake.fetch,
      now: () => NOW,
      out: (t) => void out.push(t),
      err: (t) => void err.push(t),
      retry: { sleep: async () => undefined },
      ...io,
    },
  );
  return { ...result, fake, out: out.join(''), err: err.join('') };
}

export function withUser(fake: FakeApi): FakeApi {
  fake.addUser(USER, 'Europe/Berlin');
  return fake;
}
