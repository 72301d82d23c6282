import { beforeEach, inject } from 'vitest';

// A failing test prints the seed that replays it.
beforeEach((ctx) => {
  ctx.onTestFailed(() => {
    console.error(`[journal-suite] failed with JOURNAL_TEST_SEED=${inject('stack').seed}: rerun with that seed to replay the data`);
  });
});
