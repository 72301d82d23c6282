import type { Suite, Task } from '@vitest/runner';
import type { Level } from './deployment/regression-classes.js';
import { runTarget } from './deployment/run.js';

/**
 * The one vocabulary for what a test needs beyond the API, declared once on the test or on its describe:
 * `it(name, { meta: { needs: ['restart'] } }, fn)`. Everything else follows from it:
 *  - the app mode: a file with a test that needs a process guarantee gets the backend as a child process
 *    (or a container), every other file runs the app in the worker (useStack);
 *  - what the stack hands out: `stack.restart()`, `stack.backend`, `stack.postgres`, `stack.db` throw a
 *    programming error in a test that did not declare the need behind them;
 *  - the skip: a need this run cannot meet skips the test with the reason printed (setup-file.ts), and the
 *    verdict reports it "not applicable" with that reason; it is never passed by returning early.
 */
export const NEEDS = {
  rows: 'read the stored rows (this project’s database, or the target’s rows hook)',
  restart: 'restart the backend (a local child, JOURNAL_RESTART_COMMAND, or the target’s restart hook)',
  process: 'the backend as a process of this run: its pid, SIGKILL mid-burst, a second process on the same database',
  'model-stub': 'the model server replaced by the suite’s stub, for fault injection (a target may declare a model hook)',
  'private-postgres': 'a PostgreSQL of the file’s own to stop and start',
  bundled: 'this project’s own backend: its database schema or its code',
} as const;
export type Need = keyof typeof NEEDS;

/** Needs whose guarantee is about a process: a file that declares one gets the backend as a process. */
export const PROCESS_NEEDS: readonly Need[] = ['restart', 'process', 'private-postgres'];

declare module '@vitest/runner' {
  interface TaskMeta {
    needs?: Need[];
  }
}

/**
 * A test's needs: its own and every enclosing describe's. (Vitest copies a describe's meta into its tests,
 * but a test that declares `needs` of its own replaces the describe's list; here they add up.)
 */
export function needsOf(task: Task): Need[] {
  const out = new Set<Need>();
  for (let t: Task | undefined = task; t; t = t.suite) for (const n of t.meta.needs ?? []) out.add(n);
  return [...out];
}

/** Everything the tests of a file (or describe) need, for choosing how the file's app runs. */
export function needsWithin(suite: Suite): Set<Need> {
  const out = new Set<Need>();
  const walk = (t: Task) => {
    for (const n of needsOf(t)) out.add(n);
    if ('tasks' in t) for (const c of t.tasks) walk(c);
  };
  walk(suite);
  return out;
}

/** Why this run cannot give a test what it declared, or null when it can. */
export function unmet(needs: readonly Need[], level: Level): string | null {
  const t = runTarget();
  if (level === 'self' && !t.bundled)
    return "a test of the suite's own code: it runs against the bundled backend, not counted against a target";
  if (level === 'strict' && t.conformance !== 'strict')
    return "strict contract (this project's exact envelope, statuses, schemas): judged against the bundled backend, or with JOURNAL_CONFORMANCE=strict";
  if (t.bundled) return null;
  for (const need of needs) {
    const why = t.external ? t.external.missing(need) : `${need}: the target is not loaded (useStack's beforeAll has not run)`;
    if (why !== null) return why;
  }
  return null;
}

/** The running test's needs, or null outside a test (file hooks may use everything the file declared). */
let current: ReadonlySet<Need> | null = null;
/** setup-file.ts sets the running test's needs before each test and clears them after. */
export function declareCurrent(needs: readonly Need[] | null): void {
  current = needs && new Set(needs);
}
/** Whether the running test declared this need; the stack refuses what a test uses without declaring. */
export function declared(need: Need): boolean {
  return current === null || current.has(need);
}
