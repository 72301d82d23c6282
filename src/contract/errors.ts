import { z } from 'zod';

export const ERROR_CODES = [
  'validation_error',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'user_not_found',
  'user_exists',
  'topic_not_found',
  'entry_not_found',
  'session_not_found',
  'route_not_found',
  'method_not_allowed',
  'bad_request',
  'request_timeout',
  'headers_too_large',
  'idempotency_conflict',
  'database_unavailable',
  'shutting_down',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorDetail = z.object({ path: z.string(), message: z.string() }).meta({ id: 'ErrorDetail' });
/** The one envelope every error response uses. */
export const ErrorEnvelope = z
  .object({
    error: z.enum(ERROR_CODES),
    message: z.string().min(1),
    details: z.array(ErrorDetail),
  })
  .meta({ id: 'ErrorEnvelope' });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
export type ErrorDetail = z.infer<typeof ErrorDetail>;
