import { describe, expect, it } from 'vitest';
import { chooseProvider, DEFAULT_SEED, testSeed } from './env.js';

describe('stack provider choice', () => {
  it('defaults to embedded, and to containers only when asked', () => {
    expect(chooseProvider({})).toBe('embedded');
    expect(chooseProvider({ JOURNAL_STACK: '' })).toBe('embedded');
    expect(chooseProvider({ JOURNAL_STACK: 'containers' })).toBe('containers');
  });
  it('uses external when JOURNAL_API_URL is set and nothing else is asked', () => {
    expect(chooseProvider({ JOURNAL_API_URL: 'http://127.0.0.1:9/api/v1' })).toBe('external');
  });
  it('honours an explicit JOURNAL_STACK over everything', () => {
    expect(chooseProvider({ JOURNAL_STACK: 'embedded', JOURNAL_API_URL: 'http://x' })).toBe('embedded');
  });
  it('rejects an unknown value with the list of valid ones', () => {
    expect(() => chooseProvider({ JOURNAL_STACK: 'docker' })).toThrow(
      'JOURNAL_STACK="docker" is not a stack provider; valid values: embedded, containers, external',
    );
  });
  it('reads the seed or falls back to the documented default', () => {
    expect(testSeed({})).toBe(DEFAULT_SEED);
    expect(testSeed({ JOURNAL_TEST_SEED: '42' })).toBe(42);
    expect(() => testSeed({ JOURNAL_TEST_SEED: 'x' })).toThrow('JOURNAL_TEST_SEED must be an integer');
  });
});
