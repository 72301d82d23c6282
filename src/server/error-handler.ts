import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorEnvelope } from '../contract/errors.js';
import { databaseFailure } from '../db/connection.js';
import { ApiError } from '../services/errors.js';

function fieldPath(instancePath: string, context: string | undefined): string {
  const p = instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (p) return p;
  return context === 'body' ? 'body' : (context ?? 'request');
}

/** Maps every failure onto the one envelope; bad input is never a 500. */
export function toEnvelope(err: unknown): { status: number; body: ErrorEnvelope } {
  if (err instanceof ApiError) {
    return { status: err.status, body: { error: err.code, message: err.message, details: err.details } };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const e = err as FastifyError & { validationContext?: string };
    const details = e.validation!.map((v) => ({ path: fieldPath(v.instancePath, e.validationContext), message: v.message ?? 'invalid' }));
    const names = [...new Set(details.map((d) => d.path))].join(', ');
    return {
      status: 422,
      body: { error: 'validation_error', message: `Invalid request ${e.validationContext ?? ''}: ${names}`.replace('  ', ' '), details },
    };
  }
  // `throw null` / a rejection without a reason must still get the envelope, not a TypeError here.
  const fe = (err ?? {}) as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: {
          error: 'invalid_json',
          message: 'The request body is not valid JSON',
          details: [{ path: 'body', message: fe.message ?? 'invalid JSON' }],
        },
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: {
          error: 'payload_too_large',
          message: 'The request body is too large',
          details: [{ path: 'body', message: fe.message ?? 'too large' }],
        },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 415,
        body: {
          error: 'unsupported_media_type',
          message: 'Send the body as application/json',
          details: [{ path: 'content-type', message: fe.message ?? 'unsupported' }],
        },
      };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return {
      status: 400,
      body: {
        error: 'validation_error',
        message: fe.message ?? 'Bad request',
        details: [{ path: 'request', message: fe.message ?? 'bad request' }],
      },
    };
  }
  const failure = databaseFailure(err);
  if (failure) {
    // Only claim "nothing was written" when PostgreSQL never got the statement or rolled it back itself.
    const message =
      failure === 'not_written'
        ? 'The database is unavailable; nothing was written. Retry later.'
        : 'The database connection was lost before the outcome was known; the request may have been written. Retry with the same Idempotency-Key.';
    return { status: 503, body: { error: 'database_unavailable', message, details: [] } };
  }
  return { status: 500, body: { error: 'internal_error', message: 'Internal error', details: [] } };
}

export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toEnvelope(err);
  if (status >= 500) req.log.error({ err }, 'request failed');
  // The envelope is sent as a string so a route's success serializer never sees it.
  void reply.status(status).type('application/json').send(JSON.stringify(body));
}
