import { afterEach, beforeEach, inject } from 'vitest';
import { runTarget, unmet } from './deployment/run.js';
import { takeJournal } from './deployment/wire.js';

// A test declares what it needs and what it is judged as (`it(name, { meta: { needs, level, classes } }, fn)`,
// or on its describe); what this run cannot give skips it with the reason, reported "not applicable".
beforeEach((ctx) => {
  takeJournal();
  // Vitest merges a describe's meta into its tests'.
  const why = unmet(ctx.task.meta.needs ?? [], ctx.task.meta.level ?? 'behaviour');
  if (why) {
    console.warn(`skipped: ${why}`);
    ctx.skip(why);
  }
});

// A failing test prints the seed that replays it, and keeps its exchanges for the verdict's replay commands.
afterEach((ctx) => {
  const { exchanges, rateLimited } = takeJournal();
  if (rateLimited.count) ctx.task.meta.rateLimited = rateLimited;
  if (ctx.task.result?.state !== 'fail') return;
  ctx.task.meta.exchanges = exchanges;
  // The target's documented differences for the classes this test pins, beside its failure.
  const differences = runTarget().external?.hooks?.differences ?? {};
  const notes = (ctx.task.meta.classes ?? []).flatMap((c) => (differences[c] ? [`#${c}: ${differences[c]}`] : []));
  if (notes.length) ctx.task.meta.differences = notes;
});

beforeEach((ctx) => {
  ctx.onTestFailed(() => {
    console.error(`[journal-suite] failed with JOURNAL_TEST_SEED=${inject('stack').seed}: rerun with that seed to replay the data`);
  });
});
