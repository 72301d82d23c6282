import type { Plan } from './plan.js';

const LIST_LIMIT = 40;

function countBy<T>(items: readonly T[], key: (t: T) => string): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return (
    [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none'
  );
}

/** The dry-run view: enough to see the distribution without writing anything. */
export function describePlan(plan: Plan, modeLabel: string): string {
  const entries = plan.items.filter((i) => i.kind === 'entry');
  const sessions = plan.items.flatMap((i) => (i.kind === 'session' ? [i] : []));
  const days = new Set(plan.items.map((i) => i.date));
  const out = [
    `Plan (seed ${plan.seed}, ${modeLabel}, language ${plan.language}, time zone ${plan.timeZone})`,
    `  window ${plan.from} .. ${plan.to}: ${days.size} day(s) with items`,
    `  topics: ${plan.topics.length} (${plan.topics.map((t) => t.name).join(', ')})`,
    `  journal entries: ${entries.length}; chat sessions: ${sessions.length} with ${sessions.reduce((n, s) => n + s.turnTimes.length, 0)} user turns`,
    `  languages: ${countBy(plan.items, (i) => i.language)}`,
    `  session types: ${countBy(sessions, (s) => s.sessionType)}`,
    `  months: ${countBy(plan.items, (i) => i.date.slice(0, 7))}`,
  ];
  for (const item of plan.items.slice(0, LIST_LIMIT)) {
    out.push(
      item.kind === 'entry'
        ? `  ${item.at}  entry    ${item.language}  [${item.topic}] ${item.theme}`
        : `  ${item.turnTimes[0]}  session  ${item.language}  ${item.sessionType} x${item.turnTimes.length}: ${item.theme}`,
    );
  }
  if (plan.items.length > LIST_LIMIT) out.push(`  … ${plan.items.length - LIST_LIMIT} more`);
  return out.join('\n');
}
