import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, planRun, testSeed } from './env.js';

describe('the run plan: provider and conformance, from the environment', () => {
  it('defaults to embedded and strict, and to containers only when asked', () => {
    expect(planRun({})).toEqual({ provider: 'embedded', conformance: 'strict' });
    expect(planRun({ JOURNAL_STACK: '' })).toEqual({ provider: 'embedded', conformance: 'strict' });
    expect(planRun({ JOURNAL_STACK: 'containers' })).toEqual({ provider: 'containers', conformance: 'strict' });
  });
  it('judges a named deployment at the behaviour level, by URL or by image', () => {
    expect(planRun({ JOURNAL_API_URL: 'http://127.0.0.1:9/api/v1' })).toEqual({
      provider: 'external',
      conformance: 'behaviour',
      target: { kind: 'url', url: 'http://127.0.0.1:9/api/v1' },
    });
    expect(planRun({ JOURNAL_TARGET_IMAGE: 'x:1', JOURNAL_CONFORMANCE: 'strict' })).toEqual({
      provider: 'external',
      conformance: 'strict',
      target: { kind: 'image', image: 'x:1' },
    });
  });
  it('honours an explicit JOURNAL_STACK over everything; external without a deployment names the fix', () => {
    expect(planRun({ JOURNAL_STACK: 'embedded', JOURNAL_API_URL: 'http://x' }).provider).toBe('embedded');
    expect(() => planRun({ JOURNAL_STACK: 'external' })).toThrow('JOURNAL_STACK=external needs JOURNAL_API_URL');
  });
  it('rejects an unknown value with the list of valid ones', () => {
    expect(() => planRun({ JOURNAL_STACK: 'docker' })).toThrow(
      'JOURNAL_STACK="docker" is not a stack provider; valid values: embedded, containers, external',
    );
    expect(() => planRun({ JOURNAL_CONFORMANCE: 'loose' })).toThrow(
      'JOURNAL_CONFORMANCE="loose" is not a level; valid values: strict, behaviour',
    );
  });
  it('reads the seed or falls back to the documented default', () => {
    expect(testSeed({})).toBe(DEFAULT_SEED);
    expect(testSeed({ JOURNAL_TEST_SEED: '42' })).toBe(42);
    expect(() => testSeed({ JOURNAL_TEST_SEED: 'x' })).toThrow('JOURNAL_TEST_SEED must be an integer');
  });
});
