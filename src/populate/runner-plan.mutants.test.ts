import { describe, expect, it } from 'vitest';
import { createApi } from './api.js';
import { createContentSource, type Generator } from './generate.js';
import { buildPlan, type Plan } from './plan.js';
import type { Progress } from './progress.js';
import { ReportBuilder } from './report.js';
import { runPlan } from './runner.js';
import { FakeApi, badRequest } from './testing/fake-api.js';
import { NOW, USER, withUser } from './testing/run.js';

const failing: Generator = {
  generate: async () => {
    throw new Error('model down');
  },
};

function setup(fake: FakeApi, entries: number, sessions: number, generator?: Generator) {
  const plan: Plan = buildPlan({ seed: 3, language: 'en', mode: { kind: 'quick', entries, sessions }, timeZone: 'Europe/Berlin' }, NOW);
  const ticks: [string, boolean][] = [];
  const progress: Progress = { tick: (label, ok) => void ticks.push([label, ok]), stop: () => undefined };
  const messages = plan.items.reduce((n, i) => n + (i.kind === 'session' ? 2 * i.turnTimes.length : 0), 0);
  const report = new ReportBuilder({
    seed: 3,
    mode: 'm',
    language: 'en',
    timeZone: 'Europe/Berlin',
    userId: USER,
    apiBase: fake.base,
    generator: generator ? 'model' : 'offline',
    minSuccessRate: 100,
    planned: { topics: plan.topics.length, entries, sessions, messages },
  });
  const deps = {
    api: createApi({ baseUrl: fake.base, fetch: fake.fetch }),
    content: createContentSource({ seed: 3, ...(generator ? { generator } : {}) }),
    userId: USER,
    concurrency: 2,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined },
    progress,
    report,
  };
  return { plan, ticks, report, deps };
}

describe('runPlan', () => {
  it('ticks one labelled, successful line per topic and item', async () => {
    const fake = withUser(new FakeApi());
    const { plan, ticks, report, deps } = setup(fake, 2, 1);
    await runPlan(plan, deps);
    const expected = new Set<string>([
      ...plan.topics.map((t) => `topic ${t.name}: created`),
      ...plan.items.map((i) =>
        i.kind === 'entry' ? `entry ${i.id} (${i.language}): created` : `session ${i.id} (${i.language}, ${i.sessionType}): created`,
      ),
    ]);
    expect(new Set(ticks.map(([l]) => l))).toEqual(expected);
    expect(ticks).toHaveLength(plan.topics.length + 3);
    expect(ticks.every(([, ok]) => ok)).toBe(true);
    const r = report.build(NOW);
    expect(r.entries.created).toBe(2);
    expect(r.sessions.created).toBe(1);
    expect(r.modelFallbacks).toEqual({ count: 0, items: [] });
    expect(r.interrupted).toBe(false);
  });

  it('ticks a failure as not ok with its reason', async () => {
    const fake = withUser(new FakeApi());
    fake.use((r) => (r.path === '/entries/' && r.method === 'POST' ? badRequest('topic_id') : undefined));
    const { plan, ticks, report, deps } = setup(fake, 1, 0);
    await runPlan(plan, deps);
    const entry = plan.items[0]!;
    const line = ticks.find(([l]) => l.startsWith('entry '))!;
    expect(line[0]).toMatch(new RegExp(`^entry ${entry.id} \\(${entry.language}\\): failed - .+`));
    expect(line[1]).toBe(false);
    expect(ticks.filter(([l]) => l.startsWith('topic ')).every(([l, ok]) => ok && l.endsWith(': created'))).toBe(true);
    expect(report.build(NOW).entries.failed).toBe(1);
  });

  it('records a model fallback per item, by item id', async () => {
    const fake = withUser(new FakeApi());
    const { plan, report, deps } = setup(fake, 1, 1, failing);
    await runPlan(plan, deps);
    const r = report.build(NOW);
    expect(r.modelFallbacks.count).toBe(2);
    expect(r.modelFallbacks.items.map((f) => f.item).sort()).toEqual(plan.items.map((i) => i.id).sort());
    expect(r.modelFallbacks.items.every((f) => f.reason.includes('model down'))).toBe(true);
  });

  it('a topic that failed leaves its entries without a topic id but still written', async () => {
    const fake = withUser(new FakeApi());
    fake.use((r) => (r.path === '/topics/' && r.method === 'POST' ? badRequest('name') : undefined));
    const { plan, report, deps } = setup(fake, 2, 0);
    await runPlan(plan, deps);
    const r = report.build(NOW);
    expect(r.topics.failed).toBe(plan.topics.length);
    expect(fake.entries.every((e) => e.topic_id === null || e.topic_id === undefined)).toBe(true);
  });
});
