import { expect } from 'vitest';
import { type RouteId, routes } from '../src/contract/routes.js';
import { exchangeTag, lastExchange, sourceOf } from './deployment/wire.js';

/**
 * The message of an expectation about an answer: the property it reads and the exchange that brought the
 * answer, `topic.user_id [exchange #12: POST /api/v1/topics/ → 200]`. The verdict shows each violation with
 * the exchange its message names, and a target's declared difference applies to a violation only when its
 * property is exactly the one declared (helpers/deployment/hooks.ts `differences`).
 *
 * `source` is what the ApiClient returned (a reply or a parsed body: it knows its exchange), an exchange
 * id, or a route id (its most recent exchange in this test). Something derived from an answer (a copy, a
 * mapped list) has no exchange of its own: name the answer it came from.
 */
export function about(source: unknown, property?: string): string {
  const id =
    typeof source === 'number'
      ? source
      : typeof source === 'string' && source in routes
        ? lastOfRoute(source as RouteId)
        : sourceOf(source);
  const tag = id === undefined ? '' : exchangeTag(id);
  return [property, tag].filter(Boolean).join(' ');
}

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The route's most recent exchange in the running test: its method, and its path with any parameters. */
function lastOfRoute(route: RouteId): number | undefined {
  const spec = routes[route];
  const path = new RegExp(
    `${spec.path
      .split(/\{\w+\}/)
      .map(reEscape)
      .join('[^/]+')}$`,
  );
  return lastExchange((e) => e.method === spec.method && path.test(new URL(e.url).pathname))?.id;
}

/**
 * One soft expectation per field, each named `label.field` and the exchange of `source`: a test that
 * checks several properties of an answer reports every one that fails, so a dropped field never hides
 * another (a topic without its `user_id` must not hide an entry that lost its `created_at`). Each field is
 * compared with `toEqual`, so an array (tags) must hold exactly what was sent, nothing the server added.
 */
export function expectFields(label: string, actual: object, expected: Record<string, unknown>, source: unknown = actual): void {
  const got = actual as Record<string, unknown>;
  for (const [field, want] of Object.entries(expected)) expect.soft(got[field], about(source, `${label}.${field}`)).toEqual(want);
}
