import { describe, expect, it } from 'vitest';
import type { Plan, PlannedEntry, PlannedSession } from './plan.js';
import { describePlan } from './plan-text.js';
import type { TopicSpec } from './themes.js';

const topic = (name: string): TopicSpec => ({
  name,
  description: `${name} things`,
  language: 'en',
  category: 'work' as TopicSpec['category'],
  color: '#123456',
});
const entry = (id: string, date: string, language: 'en' | 'de', topicName: string, theme: string): PlannedEntry => ({
  kind: 'entry',
  id,
  date,
  at: `${date}T08:00:00.000Z`,
  language,
  theme,
  category: 'work' as PlannedEntry['category'],
  topic: topicName,
});
const session = (
  id: string,
  date: string,
  language: 'en' | 'de',
  sessionType: PlannedSession['sessionType'],
  turns: number,
  theme: string,
): PlannedSession => ({
  kind: 'session',
  id,
  date,
  language,
  theme,
  sessionType,
  conversationMode: 'supportive_listening',
  turnTimes: Array.from({ length: turns }, (_, i) => `${date}T1${i}:00:00.000Z`),
});

const plan = (items: Plan['items'], topics: TopicSpec[] = [topic('Work'), topic('Family')]): Plan => ({
  seed: 5,
  language: 'en',
  mode: { kind: 'days', days: 7 },
  timeZone: 'Europe/Berlin',
  now: '2026-02-02T12:00:00.000Z',
  from: '2026-01-27',
  to: '2026-02-02',
  topics,
  items,
});

describe('describePlan', () => {
  // The dry run's figures, not its layout: what a user checks before writing anything.
  it('states the seed, mode, window, counts per language, type and month, then the items in order', () => {
    const p = plan([
      entry('e-0', '2026-01-28', 'en', 'Work', 'a long meeting'),
      session('s-0', '2026-01-28', 'de', 'inner_voice', 3, 'Zweifel'),
      entry('e-1', '2026-02-01', 'de', 'Family', 'Sonntag'),
      session('s-1', '2026-02-02', 'en', 'free_chat', 2, 'weekend plans'),
      session('s-2', '2026-02-02', 'en', 'free_chat', 4, 'sleep'),
    ]);
    const text = describePlan(p, 'the last 7 days (--week)');
    for (const figure of [
      /seed 5, the last 7 days \(--week\), language en, time zone Europe\/Berlin/,
      /2026-01-27 \.\. 2026-02-02: 3 day\(s\) with items/,
      /topics: 2 \(Work, Family\)/,
      /journal entries: 2; chat sessions: 3 with 9 user turns/,
      /languages: de 2, en 3/,
      /session types: free_chat 2, inner_voice 1/,
      /months: 2026-01 2, 2026-02 3/,
    ])
      expect(text).toMatch(figure);
    const items = text.split('\n').slice(7);
    expect(items.map((l) => l.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual([
      '2026-01-28T08:00:00.000Z entry en',
      '2026-01-28T10:00:00.000Z session de',
      '2026-02-01T08:00:00.000Z entry de',
      '2026-02-02T10:00:00.000Z session en',
      '2026-02-02T10:00:00.000Z session en',
    ]);
    expect(items[1]).toMatch(/inner_voice x3: Zweifel$/);
  });

  it('says none for empty counts', () => {
    const text = describePlan(plan([], []), 'quick');
    expect(text).toMatch(/0 day\(s\) with items/);
    expect(text).toMatch(/journal entries: 0; chat sessions: 0 with 0 user turns/);
    for (const label of ['languages', 'session types', 'months']) expect(text).toContain(`${label}: none`);
    expect(text.split('\n')).toHaveLength(7);
  });

  it('lists the first 40 items and counts the rest', () => {
    const items = (n: number) =>
      Array.from({ length: n }, (_, i) => entry(`e-${i}`, `2026-01-${String((i % 28) + 1).padStart(2, '0')}`, 'en', 'Work', `t${i}`));
    const forty = describePlan(plan(items(40)), 'x').split('\n');
    expect(forty).toHaveLength(7 + 40);
    expect(forty.at(-1)).toBe('  2026-01-12T08:00:00.000Z  entry    en  [Work] t39');
    const more = describePlan(plan(items(43)), 'x').split('\n');
    expect(more).toHaveLength(7 + 40 + 1);
    expect(more.at(-2)).toBe('  2026-01-12T08:00:00.000Z  entry    en  [Work] t39');
    expect(more.at(-1)).toBe('  … 3 more');
    expect(more[1]).toBe('  window 2026-01-27 .. 2026-02-02: 28 day(s) with items');
    expect(more[4]).toBe('  languages: en 43');
    expect(more[5]).toBe('  session types: none');
  });
});
