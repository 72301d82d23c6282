/** The regression classes the suite pins (tests/README.md maps each to its tests), by number, in short. */
export const REGRESSION_CLASSES: Record<number, string> = {
  1: 'default user id',
  2: 'dead CLI default',
  3: 'missing required parameter',
  4: 'silent coercion of non-UUID user ids',
  5: 'inconsistent invalid-id handling',
  6: 'non-UUID path ids',
  7: 'create status codes',
  8: 'ignored client fields',
  9: 'chat persistence not verified',
  10: 'success over-counting',
  11: 'counters lost on restart',
  12: 'health misreported / shape drift',
  13: 'sessions survive a restart; message order',
  14: 'session type lost',
  15: 'cross-user leakage',
  16: 'caches key on user',
  17: 'stale analytics after writes',
  18: 'timezone off-by-one',
  19: 'rolling windows',
  20: 'hard-coded or mock numbers',
  21: 'wrong value ranges',
  22: 'semantic mislabel',
  23: 'streak invariants',
  24: 'mood distribution shape',
  25: 'soft delete',
  26: 'duplicate topics on re-run',
  27: 'LLM failure leaks into data',
  28: 'chunking boundaries; language',
  29: 'stub endpoints that look real',
  30: 'auth profile',
  31: 'schema: models vs migrations; seed before writes',
  32: 'rate limiting',
};

/** What a test is judged as: behaviour (any target), strict contract, or a test of the suite's own code. */
export type Level = 'behaviour' | 'strict' | 'self';

declare module '@vitest/runner' {
  interface TaskMeta {
    /** Regression classes this test catches. */
    classes?: number[];
    level?: Level;
    /** The exchanges of a failed test its failure messages name, and its last few: its replay commands. */
    exchanges?: import('./wire.js').Exchange[];
    rateLimited?: import('./wire.js').RateLimitWaits;
    /** The target's declared differences (exact properties), to tell them from defects in the verdict. */
    declared?: import('./hooks.js').DeclaredDifference[];
    /** The target's notes on this test's classes (context only). */
    notes?: string[];
  }
}
