import { describe, expect, it } from 'vitest';
import { BreakerOpenError } from './breaker.js';
import { type AiError, toAiError } from './errors.js';

// Callers decide on the kind (the CLI retries a timeout, not a schema mismatch; the backend records it next
// to a fallback reply), so every failure must land in the right kind and keep what caused it.

function timeoutError(): Error {
  const e = new Error('The operation was aborted due to timeout');
  e.name = 'TimeoutError';
  return e;
}

describe('toAiError', () => {
  it('classifies each failure, names itself and keeps the original as the cause', () => {
    const cases: [unknown, AiError['kind']][] = [
      [new BreakerOpenError(), 'breaker_open'],
      [timeoutError(), 'timeout'],
      [Object.assign(new Error('model not found'), { status_code: 404 }), 'http'],
      [new Error('fetch failed'), 'network'],
    ];
    for (const [original, kind] of cases) {
      const err = toAiError(original, 1000);
      expect(err.kind).toBe(kind);
      expect(err.name).toBe('AiError');
      expect(err.cause).toBe(original);
    }
  });

  it('finds a timeout up to two causes deep, not deeper, and survives a cause cycle', () => {
    const wrap = (inner: Error, n: number): Error => (n === 0 ? inner : new Error('wrapped', { cause: wrap(inner, n - 1) }));
    expect(toAiError(wrap(timeoutError(), 2), 1000).kind).toBe('timeout');
    expect(toAiError(wrap(timeoutError(), 3), 1000).kind).toBe('network');
    const cyclic = new Error('loop');
    (cyclic as { cause?: unknown }).cause = cyclic;
    expect(toAiError(cyclic, 1000).kind).toBe('network');
  });

  it('reads an HTTP status only from a numeric status_code, and says it in the message', () => {
    expect(toAiError('plain string', 1000)).toMatchObject({ kind: 'network', message: 'network: plain string' });
    expect(toAiError(null, 1000)).toMatchObject({ kind: 'network', message: 'network: null' });
    expect(toAiError(undefined, 1000)).toMatchObject({ kind: 'network' });
    expect(toAiError(Object.assign(new Error('odd'), { status_code: '500' }), 1000)).toMatchObject({ kind: 'network', status: undefined });
    expect(toAiError(Object.assign(new Error('busy'), { status_code: 503 }), 1000)).toMatchObject({
      kind: 'http',
      status: 503,
      message: 'http: HTTP 503: busy',
    });
  });
});
