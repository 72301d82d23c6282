import { inject } from 'vitest';
import type { TargetUser, UserWish } from './hooks.js';
import { type Conformance, planRun } from '../env.js';
import { ExternalTarget, importTarget } from './target.js';
import { TargetDocument } from './target-document.js';
import { targetFetch } from './wire.js';

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
  // The unit project provides no stack: its clients judge the app in process (bundled), at the level asked.
  const plan =
    (inject('stack') as ReturnType<typeof inject<'stack'>> | undefined) ??
    planRun({ JOURNAL_CONFORMANCE: process.env.JOURNAL_CONFORMANCE });
  current = { bundled: plan.provider !== 'external', conformance: plan.conformance, external: null, document: null, fetch: targetFetch() };
  return current;
}

/** Under the external provider: the target module, its headers on every request, its OpenAPI document. */
export async function loadRunTarget(apiUrl: string, createUserViaApi: (wish: UserWish) => Promise<TargetUser>): Promise<RunTarget> {
  const t = runTarget();
  if (t.bundled || t.external) return t;
  const hooks = await importTarget(process.env.JOURNAL_TARGET);
  const stack = inject('stack') as ReturnType<typeof inject<'stack'>> | undefined;
  const image = stack?.provider === 'external' ? { services: stack.services, targetContainer: stack.targetContainer } : {};
  t.external = new ExternalTarget(hooks, {
    apiUrl,
    env: process.env,
    createUserViaApi,
    ...(image.services && { services: image.services }),
    ...(image.targetContainer && { targetContainer: image.targetContainer }),
  });
  const external = t.external;
  t.fetch = targetFetch((req) => external.headers(req));
  t.document = await TargetDocument.load(apiUrl, t.fetch);
  return t;
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
