import { expect } from 'vitest';
import type { ErrorEnvelope } from '../src/contract/errors.js';
import { runTarget } from './target/run.js';

/**
 * The behaviour level asks of an error only what any deployment must give: the status (checked by the
 * client) and, for bad input, the fields named. Codes and wording are this project's strict contract.
 */
const strictly = <T>(exact: T, behaviour: () => unknown): T => (runTarget().conformance === 'strict' ? exact : (behaviour() as T));
const naming = (paths: string[]) =>
  expect.objectContaining({ details: expect.arrayContaining(paths.map((path) => expect.objectContaining({ path }))) });

// Expected error bodies, defined once and compared whole.
const notFound = (code: ErrorEnvelope['error'], what: string, path: string, id: string): ErrorEnvelope =>
  strictly({ error: code, message: `${what} ${id} not found`, details: [{ path, message: 'not found' }] }, () =>
    expect.objectContaining({ message: expect.any(String) }),
  );

export const expectedErrors = {
  userNotFound: (id: string, path = 'user_id') => notFound('user_not_found', 'user', path, id),
  entryNotFound: (id: string) => notFound('entry_not_found', 'entry', 'id', id),
  topicNotFound: (id: string) => notFound('topic_not_found', 'topic', 'id', id),
  sessionNotFound: (id: string, path = 'id') => notFound('session_not_found', 'session', path, id),
  /** A 422 naming exactly these fields (messages are the schema's own words). */
  validation: (...paths: string[]) =>
    strictly(
      {
        error: 'validation_error' as const,
        message: expect.any(String),
        details: expect.arrayContaining(paths.map((path) => expect.objectContaining({ path, message: expect.any(String) }))),
      },
      () => naming(paths),
    ),
  /** A 4xx naming this field with this message, the message also in the summary. */
  invalid: (path: string, message: string): ErrorEnvelope =>
    strictly({ error: 'validation_error', message: `Invalid ${path}: ${message}`, details: [{ path, message }] }, () => naming([path])),
  /** A body that is not JSON at all. */
  invalidJson: () =>
    strictly({ error: 'invalid_json', details: [{ path: 'body' }] }, () => expect.objectContaining({ message: expect.any(String) })),
  /** An empty object for a body: strict names `body`; any target must name at least one missing field. */
  emptyBody: () =>
    strictly(
      {
        error: 'validation_error' as const,
        message: expect.any(String),
        details: expect.arrayContaining([expect.objectContaining({ path: 'body', message: expect.any(String) })]),
      },
      () => expect.objectContaining({ details: expect.arrayContaining([expect.objectContaining({ path: expect.any(String) })]) }),
    ),
  idempotencyConflict: (): ErrorEnvelope =>
    strictly(
      {
        error: 'idempotency_conflict',
        message: 'This Idempotency-Key was used with a different request',
        details: [{ path: 'idempotency-key', message: 'reused with a different body' }],
      },
      () => expect.objectContaining({ message: expect.any(String) }),
    ),
  databaseUnavailable: (): ErrorEnvelope =>
    strictly(
      { error: 'database_unavailable', message: 'The database is unavailable; nothing was written. Retry later.', details: [] },
      () => expect.objectContaining({ message: expect.any(String) }),
    ),
};
