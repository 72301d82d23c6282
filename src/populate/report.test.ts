import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  EXIT,
  ReportBuilder,
  exitCodeFor,
  formatReport,
  successRate,
  writeReportFile,
  type Report,
  type ReportHeader,
  type Tally,
} from './report.js';

const header: ReportHeader = {
  seed: 7,
  mode: 'the last 7 days (--week)',
  language: 'de',
  timeZone: 'Europe/Berlin',
  userId: 'u-1',
  apiBase: 'http://api.test/api/v1',
  generator: 'model',
  minSuccessRate: 90,
  planned: { topics: 2, entries: 3, sessions: 2, messages: 8 },
};
const T0 = new Date('2026-03-01T10:00:00.000Z');
const T1 = new Date('2026-03-01T10:00:05.250Z');

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

const tally = (planned: number, created: number, existing = 0, failed = 0, skipped = 0): Tally => ({
  planned,
  created,
  existing,
  failed,
  skipped,
});

function sample(): ReportBuilder {
  const b = new ReportBuilder(header);
  b.record('topic', 'created');
  b.record('topic', 'existing');
  b.record('entry', 'created');
  b.record('entry', 'failed', { item: 'e-2', kind: 'server', reason: 'boom', status: 503, code: 'database_unavailable' });
  b.record('entry', 'skipped');
  b.record('session', 'existing');
  b.record('session', 'failed', { item: 's-2', kind: 'verification', reason: 'history differs' });
  b.recordMessages(4, 4, true);
  b.recordMessages(4, 1, true);
  b.recordFallback('e-1', 'model timed out');
  return b;
}

describe('ReportBuilder', () => {
  it('builds the whole report from the recorded outcomes', () => {
    const b = sample();
    vi.setSystemTime(T1);
    const r = b.build(T1);
    expect(r).toEqual({
      seed: 7,
      mode: 'the last 7 days (--week)',
      language: 'de',
      timeZone: 'Europe/Berlin',
      userId: 'u-1',
      apiBase: 'http://api.test/api/v1',
      generator: 'model',
      startedAt: T0.toISOString(),
      finishedAt: T1.toISOString(),
      durationMs: 5250,
      interrupted: false,
      dryRun: false,
      topics: tally(2, 1, 1),
      entries: tally(3, 1, 0, 1, 1),
      sessions: tally(2, 0, 1, 1),
      messages: { planned: 8, ok: 5, failed: 3, skipped: 0 },
      modelFallbacks: { count: 1, items: [{ item: 'e-1', reason: 'model timed out' }] },
      failuresByKind: { server: 1, verification: 1 },
      failures: [
        { subject: 'entry', item: 'e-2', kind: 'server', reason: 'boom', status: 503, code: 'database_unavailable' },
        { subject: 'session', item: 's-2', kind: 'verification', reason: 'history differs' },
      ],
      successRate: 57.14,
      minSuccessRate: 90,
    });
    expect(Object.keys(r)).not.toContain('error');
    expect(exitCodeFor(r)).toBe(EXIT.belowMinimum);
  });

  it('counts several failures of one kind, and unattempted messages as skipped', () => {
    const b = new ReportBuilder(header);
    b.record('entry', 'failed', { item: 'a', kind: 'network', reason: 'x' });
    b.record('entry', 'failed', { item: 'b', kind: 'network', reason: 'y' });
    b.record('entry', 'failed', { item: 'c', kind: 'client', reason: 'z', status: 422 });
    b.recordMessages(6, 0, false);
    b.recordMessages(2, 1, false);
    const r = b.build(T0);
    expect(r.failuresByKind).toEqual({ network: 2, client: 1 });
    expect(r.messages).toEqual({ planned: 8, ok: 1, failed: 0, skipped: 7 });
    expect(r.entries).toEqual(tally(3, 0, 0, 3, 0));
  });

  it('a failed outcome needs its reason', () => {
    const b = new ReportBuilder(header);
    expect(() => b.record('session', 'failed')).toThrow('a failed session needs its reason');
    expect(b.build(T0).failures).toEqual([]);
  });

  it('marks interrupted, dry run and error; an error zeroes the success rate', () => {
    const b = new ReportBuilder({ ...header, planned: { topics: 1, entries: 0, sessions: 0, messages: 0 } });
    b.record('topic', 'created');
    expect(b.build(T0).successRate).toBe(100);
    b.markInterrupted();
    expect(b.build(T0).interrupted).toBe(true);
    b.markDryRun();
    expect(b.build(T0).dryRun).toBe(true);
    b.markError('API unreachable');
    const r = b.build(T0);
    expect(r.error).toBe('API unreachable');
    expect(r.successRate).toBe(0);
  });

  it('build returns copies the builder does not change afterwards', () => {
    const b = sample();
    const r = b.build(T0);
    b.record('topic', 'created');
    b.record('entry', 'failed', { item: 'x', kind: 'client', reason: 'r' });
    b.recordFallback('y', 'z');
    b.recordMessages(1, 1, true);
    expect(r.topics.created).toBe(1);
    expect(r.failures).toHaveLength(2);
    expect(r.modelFallbacks.items).toHaveLength(1);
    expect(r.messages.ok).toBe(5);
  });

  it('defaults finishedAt to now', () => {
    vi.setSystemTime(T1);
    expect(new ReportBuilder(header).build().finishedAt).toBe(T1.toISOString());
  });
});

describe('successRate', () => {
  it('is 100 with nothing planned and floors to two decimals', () => {
    expect(successRate([])).toBe(100);
    expect(successRate([tally(0, 0)])).toBe(100);
    expect(successRate([tally(3, 2)])).toBe(66.66);
    expect(successRate([tally(3, 1, 1), tally(3, 0, 0, 3)])).toBe(33.33);
    expect(successRate([tally(4, 1, 2), tally(4, 4)])).toBe(87.5);
    expect(successRate([tally(7, 0), tally(0, 0)])).toBe(0);
    expect(successRate([tally(2, 1, 1)])).toBe(100);
    expect(successRate([tally(1, 0, 0, 0, 1), tally(1, 1)])).toBe(50);
  });
});

const report = (over: Partial<Report>): Report => ({ ...new ReportBuilder(header).build(T0), ...over });

describe('exitCodeFor', () => {
  it('maps error, dry run, interruption and the minimum', () => {
    expect(EXIT).toEqual({ ok: 0, belowMinimum: 1, usage: 2, interrupted: 130 });
    expect(exitCodeFor(report({ error: 'x', dryRun: true, interrupted: true }))).toBe(2);
    expect(exitCodeFor(report({ dryRun: true, interrupted: true, successRate: 0 }))).toBe(0);
    expect(exitCodeFor(report({ interrupted: true, successRate: 100 }))).toBe(130);
    expect(exitCodeFor(report({ successRate: 89.99, minSuccessRate: 90 }))).toBe(1);
    expect(exitCodeFor(report({ successRate: 90, minSuccessRate: 90 }))).toBe(0);
    expect(exitCodeFor(report({ successRate: 100, minSuccessRate: 100 }))).toBe(0);
  });
});

describe('formatReport', () => {
  it('renders a known report line by line', () => {
    expect(formatReport(sample().build(T0))).toBe(
      [
        'Population report',
        '  seed 7, the last 7 days (--week), language de, user u-1, time zone Europe/Berlin',
        '  Topics:          2/2 ok (1 created, 1 already there), 0 failed',
        '  Journal entries: 1/3 ok (1 created, 0 already there), 1 failed, 1 skipped',
        '  Chat sessions:   1/2 ok (0 created, 1 already there), 1 failed',
        '  Chat messages:   5/8 persisted in order, 3 failed',
        '  Model fallbacks: 1 item(s) used the offline generator after the model failed twice',
        '  Failures by kind: server 1, verification 1',
        '  Success rate:    57.14% (minimum 90%)',
        '  Failures:',
        '    - entry e-2 [server 503]: boom',
        '    - session s-2 [verification]: history differs',
      ].join('\n'),
    );
  });

  it('renders an interrupted offline run with skipped messages and no failures', () => {
    const b = new ReportBuilder({
      ...header,
      generator: 'offline',
      minSuccessRate: 0,
      planned: { topics: 1, entries: 1, sessions: 1, messages: 2 },
    });
    b.record('topic', 'created');
    b.record('entry', 'created');
    b.record('session', 'skipped');
    b.recordMessages(2, 0, false);
    b.markInterrupted();
    expect(formatReport(b.build(T0))).toBe(
      [
        'Population report (INTERRUPTED: partial)',
        '  seed 7, the last 7 days (--week), language de, user u-1, time zone Europe/Berlin',
        '  Topics:          1/1 ok (1 created, 0 already there), 0 failed',
        '  Journal entries: 1/1 ok (1 created, 0 already there), 0 failed',
        '  Chat sessions:   0/1 ok (0 created, 0 already there), 0 failed, 1 skipped',
        '  Chat messages:   0/2 persisted in order, 0 failed, 2 skipped',
        '  Model fallbacks: offline generator requested (no model used)',
        '  Failures by kind: none',
        '  Success rate:    66.66% (minimum 0%)',
      ].join('\n'),
    );
  });

  it('shows the first 20 failures and counts the rest', () => {
    const b = new ReportBuilder({ ...header, planned: { topics: 0, entries: 22, sessions: 0, messages: 0 } });
    for (let i = 0; i < 22; i++) b.record('entry', 'failed', { item: `e${i}`, kind: 'client', reason: 'bad', status: 422 });
    const lines = formatReport(b.build(T0)).split('\n');
    expect(lines.filter((l) => l.startsWith('    - '))).toHaveLength(20);
    expect(lines.at(-2)).toBe('    - entry e19 [client 422]: bad');
    expect(lines.at(-1)).toBe('    … and 2 more (all in the JSON report)');
    expect(lines).toContain('  Failures by kind: client 22');
  });

  it('exactly 20 failures has no trailer', () => {
    const b = new ReportBuilder(header);
    for (let i = 0; i < 20; i++) b.record('entry', 'failed', { item: `e${i}`, kind: 'client', reason: 'bad' });
    const lines = formatReport(b.build(T0)).split('\n');
    expect(lines.at(-1)).toBe('    - entry e19 [client]: bad');
  });

  it('a run that did not start is one line', () => {
    const b = sample();
    b.markError('unknown user');
    expect(formatReport(b.build(T0))).toBe('Population did not start: unknown user');
  });
});

describe('writeReportFile', () => {
  it('creates the directory and writes pretty JSON with a trailing newline', async () => {
    vi.useRealTimers();
    const dir = await mkdtemp(join(tmpdir(), 'report-mut-'));
    try {
      const r = sample().build(T0);
      const path = join(dir, 'a', 'b', 'r.json');
      await writeReportFile(path, r);
      expect(await readFile(path, 'utf8')).toBe(`${JSON.stringify(r, null, 2)}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
