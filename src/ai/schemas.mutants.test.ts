import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aiConfigFromEnv } from './config.js';
import { AiError } from './errors.js';
import { parseStructured } from './schemas.js';

// Written against the survivors of a Stryker run (stryker.config.mjs).

function failure(fn: () => unknown): AiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AiError) return err;
    throw err;
  }
  throw new Error('expected an AiError');
}

describe('parseStructured error messages (mutation-driven)', () => {
  const Schema = z.object({ a: z.number() });

  it('quotes a short non-JSON answer whole', () => {
    expect(failure(() => parseStructured(Schema, 'not json')).message).toBe('invalid_json: model answered non-JSON: "not json"');
  });

  it('quotes an answer of exactly 80 characters whole and cuts a longer one at 80 with an ellipsis', () => {
    const eighty = 'x'.repeat(80);
    expect(failure(() => parseStructured(Schema, eighty)).message).toBe(`invalid_json: model answered non-JSON: "${eighty}"`);
    expect(failure(() => parseStructured(Schema, `${eighty}yz`)).message).toBe(`invalid_json: model answered non-JSON: "${eighty}…"`);
  });

  it('puts a schema mismatch on one line naming the field', () => {
    const err = failure(() => parseStructured(Schema, '{"a":"one"}'));
    expect(err.kind).toBe('schema_mismatch');
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/^schema_mismatch: .*expected number.* → at a$/);
  });
});

describe('OLLAMA_HOST normalisation (mutation-driven)', () => {
  it('drops every trailing slash', () => {
    expect(aiConfigFromEnv({ OLLAMA_HOST: 'http://model:11434///' }).host).toBe('http://model:11434');
  });
});
