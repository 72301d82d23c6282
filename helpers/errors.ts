import { expect } from 'vitest';
import type { ErrorEnvelope } from '../src/contract/errors.js';

// Expected error bodies, defined once and compared whole.
const notFound = (code: ErrorEnvelope['error'], what: string, path: string, id: string): ErrorEnvelope => ({
  error: code,
  message: `${what} ${id} not found`,
  details: [{ path, message: 'not found' }],
});

export const expectedErrors = {
  userNotFound: (id: string, path = 'user_id') => notFound('user_not_found', 'user', path, id),
  entryNotFound: (id: string) => notFound('entry_not_found', 'entry', 'id', id),
  topicNotFound: (id: string) => notFound('topic_not_found', 'topic', 'id', id),
  sessionNotFound: (id: string, path = 'id') => notFound('session_not_found', 'session', path, id),
  /** A 422 naming exactly these fields (messages are the schema's own words). */
  validation: (...paths: string[]) => ({
    error: 'validation_error' as const,
    message: expect.any(String),
    details: expect.arrayContaining(paths.map((path) => expect.objectContaining({ path, message: expect.any(String) }))),
  }),
  databaseUnavailable: (): ErrorEnvelope => ({
    error: 'database_unavailable',
    message: 'The database is unavailable; nothing was written. Retry later.',
    details: [],
  }),
};
