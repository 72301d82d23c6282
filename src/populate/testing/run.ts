import type { PopulateOptions } from '../options.js';
import { runPopulate, type PopulateIo } from '../populate.js';
import { APP_BASE, type RealApp } from './app.js';

export const NOW = new Date('2025-07-16T19:30:00Z');

/** runPopulate against the real app (through `io.fetch` when a test injects faults), offline, instant retries. */
export async function populate(app: RealApp, options: PopulateOptions, io: PopulateIo = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const result = await runPopulate(
    { apiBase: APP_BASE, offline: true, ...options },
    {
      fetch: app.fetch,
      now: () => NOW,
      out: (t) => void out.push(t),
      err: (t) => void err.push(t),
      retry: { sleep: async () => undefined },
      ...io,
    },
  );
  return { ...result, out: out.join(''), err: err.join('') };
}

/** What a run's report says is there, in the database's terms (compared with `RealApp.rows`). */
export const reported = (r: Awaited<ReturnType<typeof populate>>['report']) => ({
  topics: r.topics.created + r.topics.existing,
  entries: r.entries.created + r.entries.existing,
  sessions: r.sessions.created + r.sessions.existing,
  messages: r.messages.ok,
});
