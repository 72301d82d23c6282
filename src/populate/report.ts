import { constants } from 'node:fs';
import { access, mkdir, open, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FailureKind } from './api.js';

export type FailureClass = FailureKind | 'verification' | 'dependency';
export type Subject = 'topic' | 'entry' | 'session';

export interface Failure {
  subject: Subject;
  /** The planned item (or topic name) it belongs to. */
  item: string;
  kind: FailureClass;
  reason: string;
  status?: number;
  code?: string;
}

export interface Tally {
  planned: number;
  created: number;
  /** Already there from an earlier run with the same seed (found, read back, not written again). */
  existing: number;
  failed: number;
  /** Not attempted because the run was interrupted. */
  skipped: number;
}

export interface Report extends Omit<ReportHeader, 'planned'> {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  interrupted: boolean;
  /** A dry run planned only: nothing was written. */
  dryRun: boolean;
  /** Why the run could not start (bad flags, unknown user, API unreachable). */
  error?: string;
  topics: Tally;
  entries: Tally;
  sessions: Tally;
  /** Chat rows (user turns and their replies) read back from the history. */
  messages: { planned: number; ok: number; failed: number; skipped: number };
  modelFallbacks: { count: number; items: { item: string; reason: string }[] };
  failuresByKind: Partial<Record<FailureClass, number>>;
  failures: Failure[];
  /** Percentage of planned topics, entries and sessions that exist and read back as planned. */
  successRate: number;
}

export type ItemOutcome = 'created' | 'existing' | 'failed' | 'skipped';

const emptyTally = (planned: number): Tally => ({ planned, created: 0, existing: 0, failed: 0, skipped: 0 });

export interface ReportHeader {
  seed: number;
  mode: string;
  language: string;
  timeZone: string;
  userId: string;
  apiBase: string;
  generator: 'model' | 'offline';
  minSuccessRate: number;
  planned: { topics: number; entries: number; sessions: number; messages: number };
}

/** Accumulates outcomes; nothing counts as a success unless a workflow reported it so. */
export class ReportBuilder {
  private readonly started = Date.now();
  private readonly startedAt = new Date().toISOString();
  private readonly tallies: Record<Subject, Tally>;
  private readonly messages: Report['messages'];
  private readonly fallbacks: Report['modelFallbacks']['items'] = [];
  private readonly failures: Failure[] = [];
  private interrupted = false;
  private dryRun = false;
  private error: string | undefined;

  constructor(private readonly header: ReportHeader) {
    this.tallies = {
      topic: emptyTally(header.planned.topics),
      entry: emptyTally(header.planned.entries),
      session: emptyTally(header.planned.sessions),
    };
    this.messages = { planned: header.planned.messages, ok: 0, failed: 0, skipped: 0 };
  }

  record(subject: Subject, outcome: ItemOutcome, failure?: Omit<Failure, 'subject'>): void {
    this.tallies[subject][outcome]++;
    if (outcome === 'failed') {
      if (!failure) throw new Error(`a failed ${subject} needs its reason`);
      this.failures.push({ subject, ...failure });
    }
  }

  /** `ok` rows persisted in order, the rest of `planned` lost (or skipped when never attempted). */
  recordMessages(planned: number, ok: number, attempted: boolean): void {
    this.messages.ok += ok;
    if (attempted) this.messages.failed += planned - ok;
    else this.messages.skipped += planned - ok;
  }

  recordFallback(item: string, reason: string): void {
    this.fallbacks.push({ item, reason });
  }

  markInterrupted(): void {
    this.interrupted = true;
  }

  markDryRun(): void {
    this.dryRun = true;
  }

  /** The run could not start; nothing it planned counts as done. */
  markError(message: string): void {
    this.error = message;
  }

  build(now = new Date()): Report {
    const t = this.tallies;
    const failuresByKind: Report['failuresByKind'] = {};
    for (const f of this.failures) failuresByKind[f.kind] = (failuresByKind[f.kind] ?? 0) + 1;
    return {
      seed: this.header.seed,
      mode: this.header.mode,
      language: this.header.language,
      timeZone: this.header.timeZone,
      userId: this.header.userId,
      apiBase: this.header.apiBase,
      generator: this.header.generator,
      startedAt: this.startedAt,
      finishedAt: now.toISOString(),
      durationMs: Date.now() - this.started,
      interrupted: this.interrupted,
      dryRun: this.dryRun,
      ...(this.error !== undefined ? { error: this.error } : {}),
      topics: { ...t.topic },
      entries: { ...t.entry },
      sessions: { ...t.session },
      messages: { ...this.messages },
      modelFallbacks: { count: this.fallbacks.length, items: [...this.fallbacks] },
      failuresByKind,
      failures: [...this.failures],
      successRate: this.error !== undefined ? 0 : successRate([t.topic, t.entry, t.session]),
      minSuccessRate: this.header.minSuccessRate,
    };
  }
}

export function successRate(tallies: Tally[]): number {
  const planned = tallies.reduce((n, t) => n + t.planned, 0);
  if (planned === 0) return 100;
  const ok = tallies.reduce((n, t) => n + t.created + t.existing, 0);
  return Math.floor((ok / planned) * 10_000) / 100;
}

export const EXIT = { ok: 0, belowMinimum: 1, usage: 2, interrupted: 130 } as const;

export function exitCodeFor(report: Report): number {
  if (report.error !== undefined) return EXIT.usage;
  if (report.dryRun) return EXIT.ok;
  if (report.interrupted) return EXIT.interrupted;
  return report.successRate < report.minSuccessRate ? EXIT.belowMinimum : EXIT.ok;
}

const ok = (t: Tally) => t.created + t.existing;

export function formatReport(r: Report): string {
  const line = (label: string, t: Tally) =>
    `  ${label.padEnd(17)}${ok(t)}/${t.planned} ok (${t.created} created, ${t.existing} already there), ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
  const kinds =
    Object.entries(r.failuresByKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  if (r.error !== undefined) return `Population did not start: ${r.error}`;
  const out = [
    `Population report${r.interrupted ? ' (INTERRUPTED: partial)' : ''}`,
    `  seed ${r.seed}, ${r.mode}, language ${r.language}, user ${r.userId}, time zone ${r.timeZone}`,
    line('Topics:', r.topics),
    line('Journal entries:', r.entries),
    line('Chat sessions:', r.sessions),
    `  ${'Chat messages:'.padEnd(17)}${r.messages.ok}/${r.messages.planned} persisted in order, ${r.messages.failed} failed${r.messages.skipped ? `, ${r.messages.skipped} skipped` : ''}`,
    `  ${'Model fallbacks:'.padEnd(17)}${r.generator === 'offline' ? 'offline generator requested (no model used)' : `${r.modelFallbacks.count} item(s) used the offline generator after the model failed twice`}`,
    `  ${'Failures by kind:'.padEnd(17)} ${kinds}`,
    `  ${'Success rate:'.padEnd(17)}${r.successRate.toFixed(2)}% (minimum ${r.minSuccessRate}%)`,
  ];
  const shown = r.failures.slice(0, 20);
  if (shown.length > 0) {
    out.push('  Failures:');
    for (const f of shown) out.push(`    - ${f.subject} ${f.item} [${f.kind}${f.status ? ` ${f.status}` : ''}]: ${f.reason}`);
    if (r.failures.length > shown.length) out.push(`    … and ${r.failures.length - shown.length} more (all in the JSON report)`);
  }
  return out.join('\n');
}

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code;
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Why the report cannot be written to `path`, or undefined when it can. Checked before the run sends
 * anything, so a bad path is a usage error (exit 2, nothing written), not a stack trace after all the data
 * is in. It creates nothing: an existing file is opened for appending (which changes no byte) and closed;
 * for a new one the nearest existing ancestor must be a writable directory (writeReportFile makes the rest).
 */
export async function reportPathProblem(path: string): Promise<string | undefined> {
  if (path.trim() === '') return 'the path is empty';
  if (/[\\/]$/.test(path)) return 'the path ends in a separator, so it names a directory';
  try {
    if ((await stat(path)).isDirectory()) return 'it is a directory';
    await (await open(path, 'a')).close();
    return undefined;
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') return reason(e);
  }
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    try {
      if (!(await stat(dir)).isDirectory()) return `${dir} is not a directory`;
      await access(dir, constants.W_OK);
      return undefined;
    } catch (e) {
      // The root always exists, so the walk ends.
      if (errorCode(e) !== 'ENOENT') return reason(e);
    }
  }
}

export async function writeReportFile(path: string, report: Report): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
}
