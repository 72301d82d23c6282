import { afterEach, beforeEach, inject } from 'vitest';
import { runTarget } from './deployment/run.js';
import { takeJournal } from './deployment/wire.js';
import { declareCurrent, needsOf, unmet } from './needs.js';

// A test declares what it needs and what it is judged as (`it(name, { meta: { needs, level, classes } }, fn)`,
// or on its describe); what this run cannot give skips it with the reason, reported "not applicable".
beforeEach((ctx) => {
  takeJournal();
  const needs = needsOf(ctx.task);
  const level = ctx.task.meta.level ?? 'behaviour';
  const why = unmet(needs, level);
  if (why) {
    console.warn(`[journal-suite] skipped "${ctx.task.name}": ${why}`);
    ctx.skip(why);
  }
  // A test of the suite's own code runs only against the bundled backend: its schema, rows and model stub are at hand.
  declareCurrent(level === 'self' ? [...needs, 'bundled', 'rows', 'model-stub'] : needs);
});

// A failing test prints the seed that replays it, and keeps its exchanges for the verdict's replay commands.
afterEach((ctx) => {
  declareCurrent(null);
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
