import { Language, Uuid } from '../contract/index.js';
import type { PlanMode } from './plan.js';

/** What a caller (the CLI or a test) may pass; anything left out takes its value from DEFAULTS. */
export interface PopulateOptions {
  apiBase?: string;
  ollamaHost?: string;
  model?: string;
  testUser?: string;
  createUser?: boolean;
  journalEntries?: number;
  chatSessions?: number;
  day?: boolean;
  week?: boolean;
  days?: number;
  year?: boolean;
  months?: number;
  language?: string;
  seed?: number;
  concurrency?: number;
  offline?: boolean;
  dryRun?: boolean;
  report?: string;
  minSuccessRate?: number;
}

/**
 * The one place defaults live. Commander does not set its own (the original's argparse default
 * silently overrode the constructor's), so the CLI and a programmatic call cannot disagree.
 */
export const DEFAULTS = {
  apiBase: 'http://localhost:8000/api/v1',
  language: 'en' as Language,
  seed: 1,
  concurrency: 4,
  minSuccessRate: 100,
  journalEntries: 15,
  chatSessions: 8,
} as const;

export interface ResolvedOptions {
  apiBase: string;
  ollamaHost?: string;
  model?: string;
  user: { kind: 'existing'; id: string } | { kind: 'create' };
  mode: PlanMode;
  modeLabel: string;
  language: Language;
  seed: number;
  concurrency: number;
  offline: boolean;
  dryRun: boolean;
  report?: string;
  minSuccessRate: number;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

function count(name: string, v: number | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

function resolveMode(o: PopulateOptions): { mode: PlanMode; label: string } {
  const entries = count('--journal-entries', o.journalEntries, 0, 100_000);
  const sessions = count('--chat-sessions', o.chatSessions, 0, 100_000);
  const days = count('--days', o.days, 1, 3650);
  const months = count('--months', o.months, 1, 120);
  const chosen: { mode: PlanMode; label: string }[] = [];
  if (entries !== undefined || sessions !== undefined) {
    const e = entries ?? 0;
    const s = sessions ?? 0;
    chosen.push({ mode: { kind: 'quick', entries: e, sessions: s }, label: `quick: ${e} entries, ${s} sessions over the last 30 days` });
  }
  if (o.day) chosen.push({ mode: { kind: 'days', days: 1 }, label: 'today (--day)' });
  if (o.week) chosen.push({ mode: { kind: 'days', days: 7 }, label: 'the last 7 days (--week)' });
  if (days !== undefined) chosen.push({ mode: { kind: 'days', days }, label: `the last ${days} days` });
  if (o.year) chosen.push({ mode: { kind: 'months', months: 12 }, label: 'the last year (--year)' });
  if (months !== undefined) chosen.push({ mode: { kind: 'months', months }, label: `the last ${months} months` });
  if (chosen.length > 1) {
    throw new UsageError('choose one range: --journal-entries/--chat-sessions, --day, --week, --days, --year or --months');
  }
  return (
    chosen[0] ?? {
      mode: { kind: 'quick', entries: DEFAULTS.journalEntries, sessions: DEFAULTS.chatSessions },
      label: `quick: ${DEFAULTS.journalEntries} entries, ${DEFAULTS.chatSessions} sessions over the last 30 days`,
    }
  );
}

export function resolveOptions(o: PopulateOptions): ResolvedOptions {
  if (o.testUser !== undefined && o.createUser) throw new UsageError('use either --test-user <uuid> or --create-user, not both');
  let user: ResolvedOptions['user'];
  if (o.createUser) user = { kind: 'create' };
  else if (o.testUser === undefined || o.testUser === '') {
    throw new UsageError(
      '--test-user <uuid> is required (the user whose data is written; there is no default user), or pass --create-user',
    );
  } else if (!Uuid.safeParse(o.testUser).success) {
    throw new UsageError(`--test-user must be a UUID like 00000000-0000-0000-0000-000000000001, got "${o.testUser}"`);
  } else user = { kind: 'existing', id: o.testUser.toLowerCase() };

  const language = Language.safeParse(o.language ?? DEFAULTS.language);
  if (!language.success) throw new UsageError(`--language must be en or de, got "${o.language}"`);
  const seed = o.seed ?? DEFAULTS.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${seed}`);
  const minSuccessRate = o.minSuccessRate ?? DEFAULTS.minSuccessRate;
  if (!Number.isFinite(minSuccessRate) || minSuccessRate < 0 || minSuccessRate > 100)
    throw new UsageError(`--min-success-rate must be from 0 to 100, got ${minSuccessRate}`);
  const apiBase = o.apiBase ?? DEFAULTS.apiBase;
  if (!/^https?:\/\/[^/]+/.test(apiBase)) throw new UsageError(`--api-base must be an http(s) URL, got "${apiBase}"`);
  const { mode, label } = resolveMode(o);

  return {
    apiBase,
    ...(o.ollamaHost ? { ollamaHost: o.ollamaHost } : {}),
    ...(o.model ? { model: o.model } : {}),
    user,
    mode,
    modeLabel: label,
    language: language.data,
    seed,
    concurrency: count('--concurrency', o.concurrency, 1, 256) ?? DEFAULTS.concurrency,
    offline: o.offline === true,
    dryRun: o.dryRun === true,
    ...(o.report ? { report: o.report } : {}),
    minSuccessRate,
  };
}
