import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { CLOCK_SKEW_MS, clientInstant, EARLIEST } from './client-time.js';

const now = new Date('2026-03-01T12:00:00Z');

function rejection(path: string, wire: string): ApiError {
  try {
    clientInstant(path, wire, now);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error(`${wire} was accepted`);
}

describe('a client-set time of historical data', () => {
  it('is now when the client set none', () => {
    expect(clientInstant('created_at', undefined, now)).toBe(now);
  });

  it('is the instant given: offsets applied, a naive time read as UTC', () => {
    expect(clientInstant('created_at', '2025-12-24T18:00:00+01:00', now).toISOString()).toBe('2025-12-24T17:00:00.000Z');
    expect(clientInstant('created_at', '2025-12-24T18:00:00', now).toISOString()).toBe('2025-12-24T18:00:00.000Z');
    expect(clientInstant('created_at', '1969-07-20T20:17:40Z', now).toISOString()).toBe('1969-07-20T20:17:40.000Z');
  });

  it('may be ahead of our clock by the skew, not more: then 422 naming the field', () => {
    const edge = new Date(now.getTime() + CLOCK_SKEW_MS).toISOString();
    expect(clientInstant('created_at', edge, now).toISOString()).toBe(edge);
    const e = rejection('context_metadata.timestamp', new Date(now.getTime() + CLOCK_SKEW_MS + 1).toISOString());
    expect([e.status, e.code, e.details]).toEqual([
      422,
      'validation_error',
      [{ path: 'context_metadata.timestamp', message: 'must not lie in the future' }],
    ]);
  });

  it('may be 1900-01-01T00:00:00Z, not a millisecond earlier: then 422 naming the field', () => {
    expect(EARLIEST.toISOString()).toBe('1900-01-01T00:00:00.000Z');
    expect(clientInstant('created_at', '1900-01-01T00:00:00Z', now).getTime()).toBe(EARLIEST.getTime());
    const e = rejection('created_at', '1899-12-31T23:59:59.999Z');
    expect([e.status, e.code, e.message, e.details]).toEqual([
      422,
      'validation_error',
      'Invalid created_at: must not lie before 1900-01-01T00:00:00Z',
      [{ path: 'created_at', message: 'must not lie before 1900-01-01T00:00:00Z' }],
    ]);
    // Year 0000 with an offset is an instant of year -1: refused, never written as "-000001-...".
    expect(rejection('created_at', '0000-01-01T00:00:00+14:00').status).toBe(422);
  });
});
