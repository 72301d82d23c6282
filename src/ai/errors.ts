import { BreakerOpenError } from './breaker.js';

export type AiErrorKind = 'breaker_open' | 'timeout' | 'http' | 'network' | 'invalid_json' | 'schema_mismatch';

/**
 * Every failure of a model call, classified so callers can decide without string matching: the
 * population CLI retries a timeout but not a schema mismatch on the same prompt forever, and the
 * backend records the reason next to a fallback reply.
 */
export class AiError extends Error {
  constructor(
    readonly kind: AiErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${kind}: ${message}`, options);
    this.name = 'AiError';
  }
}

/** Maps whatever the ollama client or fetch threw onto an AiError. */
export function toAiError(err: unknown, timeoutMs: number): AiError {
  if (err instanceof AiError) return err;
  if (err instanceof BreakerOpenError) return new AiError('breaker_open', err.message, undefined, { cause: err });
  if (isTimeout(err)) return new AiError('timeout', `no answer within ${timeoutMs} ms`, undefined, { cause: err });
  const status = statusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (status !== undefined) return new AiError('http', `HTTP ${status}: ${message}`, status, { cause: err });
  return new AiError('network', message, undefined, { cause: err });
}

function isTimeout(err: unknown): boolean {
  // AbortSignal.timeout rejects with a TimeoutError; some fetch layers wrap it as the cause.
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    if (e.name === 'TimeoutError') return true;
  }
  return false;
}

// The ollama client's ResponseError is not exported, so it is recognised by the field it carries.
function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('status_code' in err)) return undefined;
  const status = (err as { status_code: unknown }).status_code;
  return typeof status === 'number' ? status : undefined;
}
