import type { Socket } from 'node:net';
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
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      // The body that arrived is not as long as Content-Length said: a framing error, not a media type.
      return {
        status: 400,
        body: {
          error: 'bad_request',
          message: 'The request body does not match its Content-Length',
          details: [{ path: 'content-length', message: fe.message ?? 'does not match the body' }],
        },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
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

/**
 * The raw response to a request Node's HTTP parser refused or gave up on (bad framing, NUL in the path, a
 * body that never arrives): no route ran, so this is written on the socket, in the envelope all the same.
 */
export function protocolErrorResponse(err: { code?: string }): string {
  const [status, reason, body]: [number, string, ErrorEnvelope] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [
          408,
          'Request Timeout',
          {
            error: 'request_timeout',
            message: 'The request did not arrive in time',
            details: [{ path: 'body', message: 'not received in time' }],
          },
        ]
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'Request Header Fields Too Large',
            {
              error: 'headers_too_large',
              message: 'The request headers are too large',
              details: [{ path: 'headers', message: 'too large' }],
            },
          ]
        : [
            400,
            'Bad Request',
            {
              error: 'bad_request',
              message: 'The request is not valid HTTP/1.1',
              details: [{ path: 'request', message: err.code ?? 'malformed request' }],
            },
          ];
  const json = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`;
}

/** Fastify's clientErrorHandler: as its default, but the body is the envelope. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.write(protocolErrorResponse(err));
  socket.destroy(err);
}

export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toEnvelope(err);
  if (status >= 500) req.log.error({ err }, 'request failed');
  // The envelope is sent as a string so a route's success serializer never sees it.
  void reply.status(status).type('application/json').send(JSON.stringify(body));
}
