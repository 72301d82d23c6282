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
  it('renders a small fixed plan whole', () => {
    const p = plan([
      entry('e-0', '2026-01-28', 'en', 'Work', 'a long meeting'),
      session('s-0', '2026-01-28', 'de', 'inner_voice', 3, 'Zweifel'),
      entry('e-1', '2026-02-01', 'de', 'Family', 'Sonntag'),
      session('s-1', '2026-02-02', 'en', 'free_chat', 2, 'weekend plans'),
      session('s-2', '2026-02-02', 'en', 'free_chat', 4, 'sleep'),
    ]);
    expect(describePlan(p, 'the last 7 days (--week)')).toBe(
      [
        'Plan (seed 5, the last 7 days (--week), language en, time zone Europe/Berlin)',
        '  window 2026-01-27 .. 2026-02-02: 3 day(s) with items',
        '  topics: 2 (Work, Family)',
        '  journal entries: 2; chat sessions: 3 with 9 user turns',
        '  languages: de 2, en 3',
        '  session types: free_chat 2, inner_voice 1',
        '  months: 2026-01 2, 2026-02 3',
        '  2026-01-28T08:00:00.000Z  entry    en  [Work] a long meeting',
        '  2026-01-28T10:00:00.000Z  session  de  inner_voice x3: Zweifel',
        '  2026-02-01T08:00:00.000Z  entry    de  [Family] Sonntag',
        '  2026-02-02T10:00:00.000Z  session  en  free_chat x2: weekend plans',
        '  2026-02-02T10:00:00.000Z  session  en  free_chat x4: sleep',
      ].join('\n'),
    );
  });

  it('says none for empty counts', () => {
    expect(describePlan(plan([], []), 'quick: 0 entries, 0 sessions over the last 30 days')).toBe(
      [
        'Plan (seed 5, quick: 0 entries, 0 sessions over the last 30 days, language en, time zone Europe/Berlin)',
        '  window 2026-01-27 .. 2026-02-02: 0 day(s) with items',
        '  topics: 0 ()',
        '  journal entries: 0; chat sessions: 0 with 0 user turns',
        '  languages: none',
        '  session types: none',
        '  months: none',
      ].join('\n'),
    );
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
