import { describe, expect, it } from 'vitest';
import { locToPath, readError } from './error-reader.js';

describe('the tolerant error reader finds the code, message and fields of every envelope it knows', () => {
  it("this project's envelope", () => {
    const e = { error: 'validation_error', message: 'Invalid title', details: [{ path: 'title', message: 'Required' }] };
    expect(readError(422, e)).toEqual(e);
  });

  it("FastAPI's default {detail: [...]} and {detail: string}", () => {
    expect(readError(422, { detail: [{ loc: ['query', 'user_id'], msg: 'Field required', type: 'missing' }] })).toEqual({
      error: 'validation_error',
      message: 'request validation failed',
      details: [{ path: 'user_id', message: 'Field required' }],
    });
    expect(readError(404, { detail: 'Entry not found' })).toEqual({ error: 'http_404', message: 'Entry not found', details: [] });
  });

  it("the original service's {error, details, body} and {error_code, message}", () => {
    const original = {
      error: 'Validation failed',
      details: [{ type: 'missing', loc: ['body', 'entry_type'], msg: 'Field required', input: {} }],
      body: { title: 't' },
    };
    expect(readError(422, original)).toEqual({
      error: 'Validation failed',
      message: 'Validation failed',
      details: [{ path: 'entry_type', message: 'Field required' }],
    });
    expect(readError(429, { error_code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests', retry_after: 60 })).toEqual({
      error: 'rate_limit_exceeded',
      message: 'Too many requests',
      details: [],
    });
  });

  it('anything else keeps its text and names no field', () => {
    expect(readError(400, 'Bad Request')).toEqual({ error: 'http_400', message: 'Bad Request', details: [] });
    expect(readError(400, null)).toEqual({ error: 'http_400', message: 'null', details: [] });
  });

  it('pydantic locations become dotted paths without their location prefix', () => {
    expect(locToPath(['body', 'tags', 0])).toBe('tags.0');
    expect(locToPath(['body'])).toBe('body');
    expect(locToPath(['path', 'entry_id'])).toBe('entry_id');
    expect(locToPath('x')).toBe('x');
  });
});
