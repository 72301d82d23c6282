import { describe, expect, it } from 'vitest';
import { ContractViolation, parseOutcome, undocumentedKeys } from './api.js';

describe('the API client catches contract drift', () => {
  it('names keys the schema does not describe, at any depth', () => {
    expect(undocumentedKeys({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2 } })).toEqual(['b.d']);
    expect(undocumentedKeys([{ a: 1, x: 2 }], [{ a: 1 }])).toEqual(['[0].x']);
    expect(undocumentedKeys({ a: 1 }, { a: 1 })).toEqual([]);
  });
  it('rejects a success body with an undocumented field and an error body outside the envelope', () => {
    expect(() => parseOutcome('liveness', 200, 'application/json', '{"status":"ok","service_uptime":5}', {})).toThrow(ContractViolation);
    expect(() => parseOutcome('liveness', 404, 'application/json', '{"detail":"nope"}', {})).toThrow('not the envelope');
    expect(() => parseOutcome('getUser', 500, 'application/json', '{"error":"internal_error","message":"x","details":[]}', {})).toThrow(
      'answered 500',
    );
  });
  it('accepts a documented body', () => {
    expect(parseOutcome('liveness', 200, 'application/json', '{"status":"ok"}', {})).toMatchObject({ ok: true, body: { status: 'ok' } });
  });
});
