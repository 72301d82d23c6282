import { inject } from 'vitest';
import type { TargetUser, UserWish } from './hooks.js';
import type { Level } from './regression-classes.js';
import { chooseConformance, type Conformance, ExternalTarget, importTarget } from './target.js';
import { TargetDocument } from './target-document.js';
import { targetFetch } from './wire.js';

/**
 * What a test may declare it needs (`it(name, { meta: { needs: [...] } }, fn)`); a need the run cannot
 * meet skips the test with the reason, reported "not applicable", never failed.
 *  - rows: read stored rows (this project's database, or the target's rows hook)
 *  - restart: restart the backend (local stack, JOURNAL_RESTART_COMMAND or the target's restart hook)
 *  - process: the backend as a process of this run (its pid, SIGKILL mid-burst, a second process)
 *  - model-stub: the model server replaced by the suite's stub (fault injection)
 *  - private-postgres: a PostgreSQL of the file's own to stop and start
 *  - bundled: this project's own backend (its schema, its code)
 */
export type Need = 'rows' | 'restart' | 'process' | 'model-stub' | 'private-postgres' | 'bundled';

declare module '@vitest/runner' {
  interface TaskMeta {
    needs?: Need[];
  }
}

export interface RunTarget {
  bundled: boolean;
  conformance: Conformance;
  /** null under the local providers (the bundled backend needs no hooks). */
  external: ExternalTarget | null;
  document: TargetDocument | null;
  fetch: typeof fetch;
}

let current: RunTarget | undefined;

/** The target of this file's run; `loadRunTarget` (useStack's beforeAll) must have run for an external one. */
export function runTarget(): RunTarget {
  if (current) return current;
  // The unit project provides no stack: its clients are strict, against the app in process.
  const info = inject('stack') as ReturnType<typeof inject<'stack'>> | undefined;
  const bundled = info?.provider !== 'external';
  current = { bundled, conformance: chooseConformance(process.env, bundled), external: null, document: null, fetch: targetFetch() };
  return current;
}

/** Under the external provider: the target module, its headers on every request, its OpenAPI document. */
export async function loadRunTarget(apiUrl: string, createUserViaApi: (wish: UserWish) => Promise<TargetUser>): Promise<RunTarget> {
  const t = runTarget();
  if (t.bundled || t.external) return t;
  const hooks = await importTarget(process.env.JOURNAL_TARGET);
  t.external = new ExternalTarget(hooks, { apiUrl, env: process.env, createUserViaApi });
  const external = t.external;
  t.fetch = targetFetch((req) => external.headers(req));
  t.document = await TargetDocument.load(apiUrl, t.fetch);
  return t;
}

/** Why this run cannot give a test what it declared, or null when it can. */
export function unmet(needs: readonly Need[], level: Level): string | null {
  const t = runTarget();
  if (level === 'self' && !t.bundled)
    return "a test of the suite's own code: it runs against the bundled backend, not counted against a target";
  if (level === 'strict' && t.conformance !== 'strict')
    return "strict contract (this project's exact envelope, statuses, schemas): judged against the bundled backend, or with JOURNAL_CONFORMANCE=strict";
  for (const need of needs) {
    if (t.bundled) continue;
    switch (need) {
      case 'rows': {
        const why = t.external?.missingRows();
        if (why !== null) return why ?? 'rows: the target is not loaded (useStack)';
        break;
      }
      case 'restart': {
        const why = t.external?.missingRestart();
        if (why !== null) return why ?? 'restart: the target is not loaded (useStack)';
        break;
      }
      case 'process':
        return 'needs the backend as a process of this run (pid, SIGKILL, a second process): only under a local provider';
      case 'model-stub':
        return "needs the model replaced by the suite's stub to inject faults; a deployment talks to its own model";
      case 'private-postgres':
        return 'needs a PostgreSQL of its own to stop and start: only under a local provider';
      case 'bundled':
        return "about this project's own backend (its schema or code), not a guarantee of the API";
    }
  }
  return null;
}

/**
 * How the file's API client reads answers: strict, or the behaviour level with the target's own document
 * (under the bundled backend too when JOURNAL_CONFORMANCE=behaviour asks, which checks the reader itself).
 */
export async function clientOptions(
  apiUrl: string,
): Promise<{ conformance: Conformance; document: TargetDocument | null; fetch: typeof fetch; timeoutMs: number }> {
  const t = runTarget();
  if (t.conformance === 'behaviour' && !t.document) t.document = await TargetDocument.load(apiUrl, t.fetch);
  // Each attempt has its own deadline inside targetFetch, so waiting out a 429 does not time the request out.
  return { conformance: t.conformance, document: t.document, fetch: t.fetch, timeoutMs: 0 };
}
