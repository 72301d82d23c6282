import type { PopulateOptions } from '../src/populate/options.js';
import { type PopulateIo, runPopulate } from '../src/populate/populate.js';
import { newUser } from './factories.js';
import type { TestStack } from './stack.js';

export const NOW = new Date('2025-07-16T19:30:00Z');

/**
 * The population run against the file's stack as any client reaches it: real HTTP to `stack.apiUrl`.
 * Tests inject faults at the fetch boundary (helpers/fetch-faults.ts) by wrapping `fetch`.
 */
export interface PopulationTarget {
  /** The API base the population is given (`--api-base`). */
  readonly apiBase: string;
  /** The process's fetch to the stack; wrap it to inject faults between the population and the API. */
  readonly fetch: typeof fetch;
  /** A user of its own for one test (tenant isolation, never cleanup). */
  newUser(timezone?: string): Promise<string>;
  /** What is stored for one user, in the terms a population report uses. */
  rows(userId: string): Promise<{ topics: number; entries: number; sessions: number; messages: number }>;
}

export function populationTarget(stack: TestStack): PopulationTarget {
  return {
    get apiBase() {
      return `${stack.apiUrl}/api/v1`;
    },
    fetch: (input, init) => globalThis.fetch(input, init),
    async newUser(timezone = 'Europe/Berlin') {
      return (await newUser(stack.api, { timezone })).got.id;
    },
    async rows(userId) {
      const { topics, entries, sessions, messages } = await stack.rows.counts(userId);
      return { topics, entries, sessions, messages };
    },
  };
}

/** runPopulate against the stack (through `io.fetch` when a test injects faults), offline, instant retries. */
export async function populate(target: PopulationTarget, options: PopulateOptions, io: PopulateIo = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const result = await runPopulate(
    { apiBase: target.apiBase, offline: true, ...options },
    {
      fetch: target.fetch,
      now: () => NOW,
      out: (t) => void out.push(t),
      err: (t) => void err.push(t),
      retry: { sleep: async () => undefined },
      ...io,
    },
  );
  return { ...result, out: out.join(''), err: err.join('') };
}

/** What a run's report says is there, in the database's terms (compared with `PopulationTarget.rows`). */
export const reported = (r: Awaited<ReturnType<typeof populate>>['report']) => ({
  topics: r.topics.created + r.topics.existing,
  entries: r.entries.created + r.entries.existing,
  sessions: r.sessions.created + r.sessions.existing,
  messages: r.messages.ok,
});
