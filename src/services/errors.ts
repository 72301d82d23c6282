import type { ErrorCode, ErrorDetail } from '../contract/errors.js';

/** A failure the API reports to the client in the one error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const notFound = (code: 'user_not_found' | 'topic_not_found' | 'entry_not_found' | 'session_not_found', path: string, id: string) =>
  new ApiError(404, code, `${code.replace('_not_found', '').replace('_', ' ')} ${id} not found`, [{ path, message: 'not found' }]);

export const invalidField = (path: string, message: string) =>
  new ApiError(422, 'validation_error', `Invalid ${path}: ${message}`, [{ path, message }]);
