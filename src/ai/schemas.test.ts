import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AiError } from './errors.js';
import { parseStructured } from './schemas.js';

// The error's message is stored next to a fallback reply (`processing_metadata.error`) and logged: it must
// say what the model did wrong in one bounded line, never carry a whole model answer.

function failure(fn: () => unknown): AiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AiError) return err;
    throw err;
  }
  throw new Error('expected an AiError');
}

describe('parseStructured', () => {
  const Schema = z.object({ a: z.number() });

  it('returns the parsed value of a valid answer', () => {
    expect(parseStructured(Schema, '{"a":1}')).toEqual({ a: 1 });
  });

  it('says the answer was not JSON and quotes a short one whole', () => {
    const err = failure(() => parseStructured(Schema, 'not json'));
    expect(err.kind).toBe('invalid_json');
    expect(err.message).toContain('"not json"');
  });

  it('quotes at most 80 characters of a non-JSON answer, marking the cut', () => {
    const eighty = 'x'.repeat(80);
    expect(failure(() => parseStructured(Schema, eighty)).message).toContain(`"${eighty}"`);
    const cut = failure(() => parseStructured(Schema, `${eighty}yz`)).message;
    expect(cut).toContain(`"${eighty}…"`);
    expect(cut).not.toContain('yz');
  });

  it('puts a schema mismatch on one line naming the field', () => {
    const err = failure(() => parseStructured(Schema, '{"a":"one"}'));
    expect(err.kind).toBe('schema_mismatch');
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/expected number.* → at a$/);
  });
});
