import { afterEach, beforeEach, inject } from 'vitest';
import type { Level } from './target/regression-classes.js';
import { type Need, unmet } from './target/run.js';
import { takeJournal } from './target/wire.js';

// A test declares what it needs and what it is judged as (`it(name, { meta: { needs, level, classes } }, fn)`,
// or on its describe); what this run cannot give skips it with the reason, reported "not applicable".
beforeEach((ctx) => {
  takeJournal();
  const needs: Need[] = [];
  let level: Level | undefined;
  for (let t: { meta: import('vitest').TaskMeta; suite?: unknown } | undefined = ctx.task; t; t = t.suite as typeof t) {
    needs.push(...(t.meta.needs ?? []));
    level ??= t.meta.level;
  }
  const why = unmet(needs, level ?? 'behaviour');
  if (why) {
    console.warn(`skipped: ${why}`);
    ctx.skip(why);
  }
});

// A failing test prints the seed that replays it, and keeps its exchanges for the verdict's replay commands.
afterEach((ctx) => {
  const { exchanges, rateLimited } = takeJournal();
  if (rateLimited.count) ctx.task.meta.rateLimited = rateLimited;
  if (ctx.task.result?.state === 'fail') ctx.task.meta.exchanges = exchanges;
});

beforeEach((ctx) => {
  ctx.onTestFailed(() => {
    console.error(`[journal-suite] failed with JOURNAL_TEST_SEED=${inject('stack').seed}: rerun with that seed to replay the data`);
  });
});
