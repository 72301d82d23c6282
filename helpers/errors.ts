import { expect } from 'vitest';
import type { ErrorCode } from '../src/contract/errors.js';
import { runTarget } from './deployment/run.js';

// Every error body the service answers, defined once and compared whole (`toEqual`). A test names the
// case and the values it knows; wording that comes from elsewhere (zod's and Fastify's own messages) is
// `expect.any(String)`, everything the service words itself is exact.
//
// The behaviour level (another deployment, helpers/target) asks of an error only what any deployment must
// give: the status (checked by the client) and, for bad input, the fields named. Codes and wording are this
// project's strict contract.
const strictly = <T>(exact: T, behaviour: () => unknown): T => (runTarget().conformance === 'strict' ? exact : (behaviour() as T));
const naming = (paths: string[]) =>
  expect.objectContaining({ details: expect.arrayContaining(paths.map((path) => expect.objectContaining({ path }))) });
const anyMessage = () => expect.objectContaining({ message: expect.any(String) });

const notFound = <C extends ErrorCode>(code: C, what: string, path: string, id: string) => ({
  error: code,
  message: `${what} ${id} not found`,
  details: [{ path, message: 'not found' }],
});

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One detail per schema issue, so a field may carry several (`message: ''` is both too short and blank):
 * the details name exactly these fields, in this order of first appearance, each with a message.
 */
function detailsNaming(paths: string[]) {
  return {
    asymmetricMatch(details: unknown): boolean {
      if (!Array.isArray(details)) return false;
      const ok = details.every((d) => typeof d?.path === 'string' && typeof d.message === 'string' && d.message.length > 0);
      return ok && JSON.stringify([...new Set(details.map((d: { path: string }) => d.path))]) === JSON.stringify(paths);
    },
    toString: () => `DetailsNaming<${paths.join(', ')}>`,
    toAsymmetricMatcher: () => `DetailsNaming<${paths.join(', ')}>`,
  };
}

/** The strict contract's bodies, exactly as this project's backend words them. */
const exact = {
  /**
   * A 422 from the request schema naming exactly these fields, in this order (messages are the schema's
   * own words; the part, params, querystring, body or headers, is named unless the wire rule refused it).
   */
  validation: (...paths: string[]) => ({
    error: 'validation_error' as const,
    message: expect.stringMatching(new RegExp(`^Invalid request( (params|querystring|body|headers))?: ${literal(paths.join(', '))}$`)),
    details: detailsNaming(paths),
  }),
  /** A 422 the service raises itself about one field's value (e.g. created_at in the future). */
  invalid: (path: string, message: string) => ({
    error: 'validation_error' as const,
    message: `Invalid ${path}: ${message}`,
    details: [{ path, message }],
  }),
  /** An empty object for a body: the body itself is named. */
  emptyBody: () => exact.validation('body'),
  /** A 400 from the router: a path segment that is not valid percent-encoding, or too long. */
  badRequest: (message: string | ReturnType<typeof expect.any> = expect.any(String)) => ({
    error: 'validation_error' as const,
    message,
    details: [{ path: 'request', message }],
  }),
  invalidJson: () => ({
    error: 'invalid_json' as const,
    message: 'The request body is not valid JSON',
    details: [{ path: 'body', message: expect.any(String) }],
  }),
  unsupportedMediaType: () => ({
    error: 'unsupported_media_type' as const,
    message: 'Send the body as application/json',
    details: [{ path: 'content-type', message: expect.any(String) }],
  }),
  payloadTooLarge: () => ({
    error: 'payload_too_large' as const,
    message: 'The request body is too large',
    details: [{ path: 'body', message: expect.any(String) }],
  }),
  userNotFound: (id: string, path = 'user_id') => notFound('user_not_found', 'user', path, id),
  userExists: (id: string) => ({
    error: 'user_exists' as const,
    message: `user ${id} already exists`,
    details: [{ path: 'id', message: 'already exists' }],
  }),
  topicNotFound: (id: string, path = 'id') => notFound('topic_not_found', 'topic', path, id),
  entryNotFound: (id: string) => notFound('entry_not_found', 'entry', 'id', id),
  sessionNotFound: (id: string, path = 'id') => notFound('session_not_found', 'session', path, id),
  /** The query string is not part of the message. */
  routeNotFound: (method: string, path: string) => ({
    error: 'route_not_found' as const,
    message: `No route ${method} ${path}`,
    details: [{ path: 'url', message: 'unknown route' }],
  }),
  /** A path the routes know, with a method none of them answers (the Allow header lists the same). */
  methodNotAllowed: (method: string, path: string, allow: string) => ({
    error: 'method_not_allowed' as const,
    message: `${method} is not allowed on ${path}`,
    details: [{ path: 'method', message: `allowed: ${allow}` }],
  }),
  /** Answered on the raw socket: not HTTP/1.1 (bad Content-Length, CL with TE, NUL in the path, junk). */
  notHttp: (reason: string | ReturnType<typeof expect.any> = expect.any(String)) => ({
    error: 'bad_request' as const,
    message: 'The request is not valid HTTP/1.1',
    details: [{ path: 'request', message: reason }],
  }),
  requestTimeout: () => ({
    error: 'request_timeout' as const,
    message: 'The request did not arrive in time',
    details: [{ path: 'body', message: 'not received in time' }],
  }),
  headersTooLarge: () => ({
    error: 'headers_too_large' as const,
    message: 'The request headers are too large',
    details: [{ path: 'headers', message: 'too large' }],
  }),
  idempotencyConflict: () => ({
    error: 'idempotency_conflict' as const,
    message: 'This Idempotency-Key was used with a different request',
    details: [{ path: 'idempotency-key', message: 'reused with a different body' }],
  }),
  idempotencyInProgress: () => ({
    error: 'idempotency_conflict' as const,
    message: 'A request with this Idempotency-Key is still in progress',
    details: [{ path: 'idempotency-key', message: 'in progress' }],
  }),
  /** PostgreSQL never got the statement, or rolled it back itself. */
  databaseUnavailable: () => ({
    error: 'database_unavailable' as const,
    message: 'The database is unavailable; nothing was written. Retry later.',
    details: [],
  }),
  /** The connection went while a statement was in flight: the write may have committed. */
  databaseOutcomeUnknown: () => ({
    error: 'database_unavailable' as const,
    message:
      'The database connection was lost before the outcome was known; the request may have been written. Retry with the same Idempotency-Key.',
    details: [],
  }),
  /** A request that arrived while the backend was closing (a graceful restart): refused before it ran. */
  shuttingDown: () => ({
    error: 'shutting_down' as const,
    message: 'The service is shutting down; nothing was done. Retry shortly.',
    details: [],
  }),
  /** Never expected from the API (the client fails on any 5xx but 503); here so the catalogue is complete. */
  internalError: () => ({ error: 'internal_error' as const, message: 'Internal error', details: [] }),
};

type Exact = typeof exact;
/** What any deployment must give instead, where more than a message: the fields named. */
const behaviour: { [K in keyof Exact]?: (...args: Parameters<Exact[K]>) => unknown } = {
  validation: (...paths) => naming(paths),
  invalid: (path) => naming([path]),
  emptyBody: () => expect.objectContaining({ details: expect.arrayContaining([expect.objectContaining({ path: expect.any(String) })]) }),
};

export const expectedErrors = Object.fromEntries(
  Object.entries(exact).map(([name, body]) => [
    name,
    (...args: never[]) =>
      strictly((body as (...a: never[]) => unknown)(...args), () =>
        ((behaviour as Record<string, (...a: never[]) => unknown>)[name] ?? anyMessage)(...args),
      ),
  ]),
) as Exact;

// The catalogue covers every code of the contract: a code added to src/contract/errors.ts without a case
// here is a type error.
type Covered = ReturnType<Exact[keyof Exact]>['error'];
const complete: [Exclude<ErrorCode, Covered>] extends [never] ? true : Exclude<ErrorCode, Covered> = true;
void complete;
