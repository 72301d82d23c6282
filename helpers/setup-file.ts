import { afterEach, beforeEach, inject } from 'vitest';
import { runTarget } from './deployment/run.js';
import { namedExchangeIds, takeJournal } from './deployment/wire.js';
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

// A failing test prints the seed that replays it, and keeps for the verdict the exchanges its failure
// messages name (each violation is shown with its own exchange) and its last few, for a message that names none.
afterEach((ctx) => {
  declareCurrent(null);
  const { exchanges, named, rateLimited } = takeJournal();
  if (rateLimited.count) ctx.task.meta.rateLimited = rateLimited;
  if (ctx.task.result?.state !== 'fail') return;
  const ids = new Set((ctx.task.result.errors ?? []).flatMap((e) => namedExchangeIds(`${e.message ?? ''}`)));
  const kept = new Map([...named.filter((e) => ids.has(e.id)), ...exchanges.slice(-4)].map((e) => [e.id, e]));
  ctx.task.meta.exchanges = [...kept.values()].sort((a, b) => a.id - b.id);
  // The target's declared differences (exact properties) and its notes on this test's classes, for the verdict.
  const hooks = runTarget().external?.hooks;
  if (hooks?.differences?.length) ctx.task.meta.declared = hooks.differences;
  const notes = (ctx.task.meta.classes ?? []).flatMap((c) => (hooks?.notes?.[c] ? [`#${c}: ${hooks.notes[c]}`] : []));
  if (notes.length) ctx.task.meta.notes = notes;
});

beforeEach((ctx) => {
  ctx.onTestFailed(() => {
    console.error(`[journal-suite] failed with JOURNAL_TEST_SEED=${inject('stack').seed}: rerun with that seed to replay the data`);
  });
});
