import { describe, expect, it } from 'vitest';
import { DEFAULTS, UsageError, resolveOptions, type PopulateOptions } from './options.js';

const USER = '00000000-0000-0000-0000-00000000000A';
const base: PopulateOptions = { testUser: USER };
const usage = (o: PopulateOptions): string => {
  try {
    resolveOptions(o);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).name).toBe('UsageError');
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};
const RANGE = 'choose one range: --journal-entries/--chat-sessions, --day, --week, --days, --year or --months';

describe('resolveOptions: defaults', () => {
  it('resolves an existing user with every default, lowercasing the id', () => {
    expect(resolveOptions(base)).toEqual({
      apiBase: 'http://localhost:8000/api/v1',
      user: { kind: 'existing', id: USER.toLowerCase() },
      mode: { kind: 'quick', entries: 15, sessions: 8 },
      modeLabel: 'quick: 15 entries, 8 sessions over the last 30 days',
      language: 'en',
      seed: 1,
      concurrency: 4,
      offline: false,
      dryRun: false,
      minSuccessRate: 100,
    });
    expect(DEFAULTS).toEqual({
      apiBase: 'http://localhost:8000/api/v1',
      language: 'en',
      seed: 1,
      concurrency: 4,
      minSuccessRate: 100,
      journalEntries: 15,
      chatSessions: 8,
    });
  });

  it('passes the optional strings through only when non-empty, and booleans only when true', () => {
    const r = resolveOptions({
      createUser: true,
      ollamaHost: 'http://o:11434',
      model: 'm1',
      report: 'r.json',
      offline: true,
      dryRun: true,
      language: 'de',
      seed: 0,
      minSuccessRate: 0,
      concurrency: 1,
      apiBase: 'https://h.test',
    });
    expect(r).toEqual({
      apiBase: 'https://h.test',
      ollamaHost: 'http://o:11434',
      model: 'm1',
      user: { kind: 'create' },
      mode: { kind: 'quick', entries: 15, sessions: 8 },
      modeLabel: 'quick: 15 entries, 8 sessions over the last 30 days',
      language: 'de',
      seed: 0,
      concurrency: 1,
      offline: true,
      dryRun: true,
      report: 'r.json',
      minSuccessRate: 0,
    });
    const empty = resolveOptions({ ...base, ollamaHost: '', model: '', report: '' });
    expect(Object.keys(empty)).not.toContain('ollamaHost');
    expect(Object.keys(empty)).not.toContain('model');
    expect(Object.keys(empty)).not.toContain('report');
    expect(resolveOptions({ ...base, offline: false, dryRun: false })).toMatchObject({ offline: false, dryRun: false });
  });
});

describe('resolveOptions: user', () => {
  it('rejects both --test-user and --create-user', () => {
    expect(usage({ testUser: USER, createUser: true })).toBe('use either --test-user <uuid> or --create-user, not both');
    expect(usage({ testUser: '', createUser: true })).toBe('use either --test-user <uuid> or --create-user, not both');
  });
  it('requires a user', () => {
    const msg = '--test-user <uuid> is required (the user whose data is written; there is no default user), or pass --create-user';
    expect(usage({})).toBe(msg);
    expect(usage({ testUser: '' })).toBe(msg);
    expect(usage({ createUser: false })).toBe(msg);
  });
  it('rejects a non-UUID', () => {
    expect(usage({ testUser: 'bob' })).toBe('--test-user must be a UUID like 00000000-0000-0000-0000-000000000001, got "bob"');
  });
  it('create-user without test-user is fine', () => {
    expect(resolveOptions({ createUser: true }).user).toEqual({ kind: 'create' });
  });
});

describe('resolveOptions: scalar flags', () => {
  it('language', () => {
    expect(usage({ ...base, language: 'fr' })).toBe('--language must be en or de, got "fr"');
    expect(resolveOptions({ ...base, language: 'de' }).language).toBe('de');
  });
  it('seed', () => {
    expect(usage({ ...base, seed: -1 })).toBe('--seed must be a non-negative integer, got -1');
    expect(usage({ ...base, seed: 1.5 })).toBe('--seed must be a non-negative integer, got 1.5');
    expect(usage({ ...base, seed: 2 ** 53 })).toBe(`--seed must be a non-negative integer, got ${2 ** 53}`);
    expect(resolveOptions({ ...base, seed: 0 }).seed).toBe(0);
    expect(resolveOptions({ ...base, seed: 42 }).seed).toBe(42);
  });
  it('min success rate bounds', () => {
    expect(usage({ ...base, minSuccessRate: -0.01 })).toBe('--min-success-rate must be from 0 to 100, got -0.01');
    expect(usage({ ...base, minSuccessRate: 100.5 })).toBe('--min-success-rate must be from 0 to 100, got 100.5');
    expect(usage({ ...base, minSuccessRate: Number.NaN })).toBe('--min-success-rate must be from 0 to 100, got NaN');
    expect(usage({ ...base, minSuccessRate: Infinity })).toBe('--min-success-rate must be from 0 to 100, got Infinity');
    expect(resolveOptions({ ...base, minSuccessRate: 0 }).minSuccessRate).toBe(0);
    expect(resolveOptions({ ...base, minSuccessRate: 100 }).minSuccessRate).toBe(100);
    expect(resolveOptions({ ...base, minSuccessRate: 99.5 }).minSuccessRate).toBe(99.5);
  });
  it('api base', () => {
    expect(usage({ ...base, apiBase: 'ftp://x' })).toBe('--api-base must be an http(s) URL, got "ftp://x"');
    expect(usage({ ...base, apiBase: 'http://' })).toBe('--api-base must be an http(s) URL, got "http://"');
    expect(usage({ ...base, apiBase: 'xhttp://a' })).toBe('--api-base must be an http(s) URL, got "xhttp://a"');
    expect(resolveOptions({ ...base, apiBase: 'http://a' }).apiBase).toBe('http://a');
    expect(resolveOptions({ ...base, apiBase: 'https://a/api/v1' }).apiBase).toBe('https://a/api/v1');
  });
  it('concurrency bounds 1..256', () => {
    expect(usage({ ...base, concurrency: 0 })).toBe('--concurrency must be an integer from 1 to 256, got 0');
    expect(usage({ ...base, concurrency: 257 })).toBe('--concurrency must be an integer from 1 to 256, got 257');
    expect(usage({ ...base, concurrency: 2.5 })).toBe('--concurrency must be an integer from 1 to 256, got 2.5');
    expect(resolveOptions({ ...base, concurrency: 1 }).concurrency).toBe(1);
    expect(resolveOptions({ ...base, concurrency: 256 }).concurrency).toBe(256);
  });
  it('checks the user before the language, the language before the seed, the seed before the rate, the rate before the URL, the URL before the range', () => {
    expect(usage({ language: 'fr' })).toMatch(/^--test-user/);
    expect(usage({ ...base, language: 'fr', seed: -1 })).toMatch(/^--language/);
    expect(usage({ ...base, seed: -1, minSuccessRate: -1 })).toMatch(/^--seed/);
    expect(usage({ ...base, minSuccessRate: -1, apiBase: 'x' })).toMatch(/^--min-success-rate/);
    expect(usage({ ...base, apiBase: 'x', day: true, week: true })).toMatch(/^--api-base/);
  });
});

describe('resolveOptions: range', () => {
  const mode = (o: PopulateOptions) => {
    const r = resolveOptions({ ...base, ...o });
    return [r.mode, r.modeLabel];
  };
  it('each single range flag', () => {
    expect(mode({ journalEntries: 3 })).toEqual([
      { kind: 'quick', entries: 3, sessions: 0 },
      'quick: 3 entries, 0 sessions over the last 30 days',
    ]);
    expect(mode({ chatSessions: 2 })).toEqual([
      { kind: 'quick', entries: 0, sessions: 2 },
      'quick: 0 entries, 2 sessions over the last 30 days',
    ]);
    expect(mode({ journalEntries: 0, chatSessions: 0 })).toEqual([
      { kind: 'quick', entries: 0, sessions: 0 },
      'quick: 0 entries, 0 sessions over the last 30 days',
    ]);
    expect(mode({ journalEntries: 100_000, chatSessions: 100_000 })).toEqual([
      { kind: 'quick', entries: 100_000, sessions: 100_000 },
      'quick: 100000 entries, 100000 sessions over the last 30 days',
    ]);
    expect(mode({ day: true })).toEqual([{ kind: 'days', days: 1 }, 'today (--day)']);
    expect(mode({ week: true })).toEqual([{ kind: 'days', days: 7 }, 'the last 7 days (--week)']);
    expect(mode({ days: 1 })).toEqual([{ kind: 'days', days: 1 }, 'the last 1 days']);
    expect(mode({ days: 3650 })).toEqual([{ kind: 'days', days: 3650 }, 'the last 3650 days']);
    expect(mode({ year: true })).toEqual([{ kind: 'months', months: 12 }, 'the last year (--year)']);
    expect(mode({ months: 1 })).toEqual([{ kind: 'months', months: 1 }, 'the last 1 months']);
    expect(mode({ months: 120 })).toEqual([{ kind: 'months', months: 120 }, 'the last 120 months']);
    expect(mode({ day: false, week: false, year: false })).toEqual([
      { kind: 'quick', entries: 15, sessions: 8 },
      'quick: 15 entries, 8 sessions over the last 30 days',
    ]);
  });
  it('count bounds and messages', () => {
    expect(usage({ ...base, journalEntries: -1 })).toBe('--journal-entries must be an integer from 0 to 100000, got -1');
    expect(usage({ ...base, journalEntries: 100_001 })).toBe('--journal-entries must be an integer from 0 to 100000, got 100001');
    expect(usage({ ...base, journalEntries: 1.5 })).toBe('--journal-entries must be an integer from 0 to 100000, got 1.5');
    expect(usage({ ...base, chatSessions: -1 })).toBe('--chat-sessions must be an integer from 0 to 100000, got -1');
    expect(usage({ ...base, chatSessions: 100_001 })).toBe('--chat-sessions must be an integer from 0 to 100000, got 100001');
    expect(usage({ ...base, days: 0 })).toBe('--days must be an integer from 1 to 3650, got 0');
    expect(usage({ ...base, days: 3651 })).toBe('--days must be an integer from 1 to 3650, got 3651');
    expect(usage({ ...base, months: 0 })).toBe('--months must be an integer from 1 to 120, got 0');
    expect(usage({ ...base, months: 121 })).toBe('--months must be an integer from 1 to 120, got 121');
    expect(usage({ ...base, months: Number.NaN })).toBe('--months must be an integer from 1 to 120, got NaN');
  });
  it('every pair of range choices is rejected', () => {
    const flags: PopulateOptions[] = [
      { journalEntries: 1 },
      { chatSessions: 1 },
      { day: true },
      { week: true },
      { days: 2 },
      { year: true },
      { months: 2 },
    ];
    for (let i = 0; i < flags.length; i++) {
      for (let j = i + 1; j < flags.length; j++) {
        const o = { ...base, ...flags[i], ...flags[j] };
        if (i === 0 && j === 1) expect(resolveOptions(o).mode).toEqual({ kind: 'quick', entries: 1, sessions: 1 });
        else expect(usage(o)).toBe(RANGE);
      }
    }
  });
});
