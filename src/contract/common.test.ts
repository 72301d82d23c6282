import { describe, expect, it } from 'vitest';
import { dateFilterBound, parseWireTimestamp } from './common.js';

describe('wire timestamps and date filters', () => {
  it('reads naive timestamps as UTC and honours offsets', () => {
    expect(parseWireTimestamp('2026-02-01T10:00:00').toISOString()).toBe('2026-02-01T10:00:00.000Z');
    expect(parseWireTimestamp('2026-03-01T10:00:00+01:00').toISOString()).toBe('2026-03-01T09:00:00.000Z');
  });
  it('a bare date is a whole UTC day, inclusive at `to`; a timestamp is itself', () => {
    expect(dateFilterBound('2026-05-04', 'from')?.toISOString()).toBe('2026-05-04T00:00:00.000Z');
    expect(dateFilterBound('2026-05-04', 'to')?.toISOString()).toBe('2026-05-05T00:00:00.000Z');
    expect(dateFilterBound('2026-05-04T12:30:00Z', 'to')?.toISOString()).toBe('2026-05-04T12:30:00.000Z');
    expect(dateFilterBound(undefined, 'from')).toBeUndefined();
  });
});
