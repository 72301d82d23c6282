import { describe, expect, it } from 'vitest';
import { SESSION_TYPES } from '../contract/enums.js';
import { localDate } from '../domain/calendar.js';
import { detectLanguage } from '../domain/text.js';
import { wallSeconds } from './local-time.js';
import { offlineEntry, offlineSession } from './offline.js';
import { EMPTY_DAY_RATE, buildPlan, type Plan, type PlanOptions, type PlannedItem } from './plan.js';
import { CORE_TOPICS } from './themes.js';

const TZ = 'Europe/Berlin';
// 21:30 local on a Wednesday in summer time.
const NOW = new Date('2025-07-16T19:30:00Z');
const opts = (over: Partial<PlanOptions> = {}): PlanOptions => ({
  seed: 42,
  language: 'en',
  mode: { kind: 'quick', entries: 15, sessions: 8 },
  timeZone: TZ,
  ...over,
});
const year = (seed = 42, language: 'en' | 'de' = 'en') => buildPlan(opts({ seed, language, mode: { kind: 'months', months: 12 } }), NOW);
const times = (i: PlannedItem) => (i.kind === 'entry' ? [i.at] : i.turnTimes);

function expectWithinLocalDayHours(plan: Plan, now: Date): void {
  for (const item of plan.items) {
    for (const t of times(item)) {
      const at = new Date(t);
      expect(at.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(localDate(at, plan.timeZone)).toBe(item.date);
      const s = wallSeconds(at, plan.timeZone);
      expect(s).toBeGreaterThanOrEqual(6 * 3600);
      expect(s).toBeLessThan(24 * 3600 - 59);
    }
  }
}

describe('buildPlan', () => {
  it('is a pure function of seed and now: same seed, same plan; another seed, another plan', () => {
    expect(buildPlan(opts(), NOW)).toEqual(buildPlan(opts(), NOW));
    expect(year(7)).toEqual(year(7));
    expect(buildPlan(opts({ seed: 43 }), NOW).items).not.toEqual(buildPlan(opts(), NOW).items);
    expect(year(8).items).not.toEqual(year(7).items);
  });

  it('gives a year the original distribution: about 12% empty days and all 12 months', () => {
    const plan = year();
    const days = 365;
    const active = new Set(plan.items.map((i) => i.date)).size;
    expect(1 - active / days).toBeGreaterThan(EMPTY_DAY_RATE - 0.05);
    expect(1 - active / days).toBeLessThan(EMPTY_DAY_RATE + 0.05);
    const months = new Set(plan.items.map((i) => i.date.slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(12);
    const perDay = new Map<string, number>();
    for (const i of plan.items) perDay.set(i.date, (perDay.get(i.date) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(3);
    const entryShare = plan.items.filter((i) => i.kind === 'entry').length / plan.items.length;
    expect(entryShare).toBeGreaterThan(0.63);
    expect(entryShare).toBeLessThan(0.77);
    expectWithinLocalDayHours(plan, NOW);
  });

  it('--day plans items on today only, between 06:00 and now', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const plan = buildPlan(opts({ seed, mode: { kind: 'days', days: 1 } }), NOW);
      expect(plan.items.length).toBeGreaterThan(0);
      expect(new Set(plan.items.map((i) => i.date))).toEqual(new Set([localDate(NOW, TZ)]));
      expectWithinLocalDayHours(plan, NOW);
    }
  });

  it('--day before 06:00 still stays on today and never in the future', () => {
    const early = new Date('2025-07-16T01:15:00Z'); // 03:15 in Berlin
    const plan = buildPlan(opts({ mode: { kind: 'days', days: 1 } }), early);
    for (const t of plan.items.flatMap(times)) {
      expect(localDate(new Date(t), TZ)).toBe('2025-07-16');
      expect(new Date(t).getTime()).toBeLessThanOrEqual(early.getTime());
    }
  });

  it('quick mode spreads over the last 30 local days, never in the future', () => {
    const plan = buildPlan(opts(), NOW);
    expect(plan.items.filter((i) => i.kind === 'entry')).toHaveLength(15);
    expect(plan.items.filter((i) => i.kind === 'session')).toHaveLength(8);
    for (const i of plan.items) expect(i.date >= '2025-06-17' && i.date <= '2025-07-16').toBe(true);
    expectWithinLocalDayHours(plan, NOW);
  });

  it('the seed scenario plans exactly the ten core topics', () => {
    const plan = buildPlan(opts({ mode: { kind: 'quick', entries: 1, sessions: 2 } }), NOW);
    expect(plan.topics.map((t) => t.name)).toEqual(CORE_TOPICS.map((t) => t.name));
    expect(CORE_TOPICS.filter((t) => t.language === 'en')).toHaveLength(5);
    expect(CORE_TOPICS.filter((t) => t.language === 'de')).toHaveLength(5);
  });

  it('links every entry to a planned topic of its own language, seasonal ones included', () => {
    const plan = year();
    const topics = new Map(plan.topics.map((t) => [t.name, t]));
    expect(plan.topics.length).toBeGreaterThan(10);
    for (const e of plan.items) {
      if (e.kind !== 'entry') continue;
      expect(topics.get(e.topic)?.language).toBe(e.language);
    }
  });

  it('cycles session types through all five', () => {
    const quick = buildPlan(opts({ mode: { kind: 'quick', entries: 0, sessions: 5 } }), NOW);
    expect(new Set(quick.items.map((i) => i.kind === 'session' && i.sessionType))).toEqual(new Set(SESSION_TYPES));
    expect(new Set(year().items.flatMap((i) => (i.kind === 'session' ? [i.sessionType] : [])))).toEqual(new Set(SESSION_TYPES));
  });

  it('writes about 70% in the preferred language, the rest in the other', () => {
    for (const language of ['en', 'de'] as const) {
      const items = year(42, language).items;
      const share = items.filter((i) => i.language === language).length / items.length;
      expect(share).toBeGreaterThan(0.63);
      expect(share).toBeLessThan(0.77);
    }
  });

  it('turn timestamps of a session strictly increase', () => {
    for (const s of year().items) {
      if (s.kind !== 'session') continue;
      for (let k = 1; k < s.turnTimes.length; k++) expect(s.turnTimes[k]! > s.turnTimes[k - 1]!).toBe(true);
    }
  });

  it('gives an overlapping day the same items whatever the window, so a re-run finds them', () => {
    const week = buildPlan(opts({ mode: { kind: 'days', days: 7 } }), NOW);
    const y = year();
    const past = (p: Plan) => p.items.filter((i) => i.date === '2025-07-12').map((i) => ({ ...i }));
    expect(past(week)).toEqual(past(y));
  });
});

describe('offline content', () => {
  it('is deterministic and in the item language', () => {
    const plan = year();
    for (const item of plan.items.slice(0, 60)) {
      const text = item.kind === 'entry' ? offlineEntry(1, item).content : offlineSession(1, item).turns.join(' ');
      expect(detectLanguage(text)).toBe(item.language);
      if (item.kind === 'session') expect(offlineSession(1, item).turns).toHaveLength(item.turnTimes.length);
    }
    const first = plan.items.find((i) => i.kind === 'entry')!;
    if (first.kind === 'entry') expect(offlineEntry(1, first)).toEqual(offlineEntry(1, first));
  });
});
