import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { REGRESSION_CLASSES, type Level } from './regression-classes.js';
import { asCurl, type Exchange } from './wire.js';

/** The guarantee each suite folder holds (tests/README.md). */
const GUARANTEES: Record<string, string> = {
  contract: 'contract: shapes, statuses, bad input rejected',
  identity: 'identity: the user id given is the one stored and read',
  analytics: 'analytics equal the oracle, per user',
  health: 'health and stats from the real state',
  persistence: 'persistence across restarts, idempotency, client fields stored',
  fuzz: 'bad input rejected (fuzzed)',
  populate: 'the population CLI',
  stack: 'npm start',
  hostile: 'hostile input and protocol errors',
  faults: 'faults in PostgreSQL and between processes',
};

type Verdict = 'passed' | 'failed' | 'not applicable';
interface Row {
  guarantee: string;
  name: string;
  level: Level;
  classes: number[];
  verdict: Verdict;
  reason: string;
  exchanges: Exchange[];
  differences: string[];
  rateLimited: { count: number; totalMs: number };
}

export interface VerdictOptions {
  /** Markdown and JUnit go here. */
  outDir?: string;
  env?: NodeJS.ProcessEnv;
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const firstLine = (s: string) =>
  s
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim() ?? '';
const xml = (s: string) =>
  s
    .replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** The target the run judged, as the environment named it. */
export function describeTarget(env: NodeJS.ProcessEnv): { target: string; conformance: string } {
  const external = env.JOURNAL_STACK === 'external' || (!env.JOURNAL_STACK && !!(env.JOURNAL_API_URL || env.JOURNAL_TARGET_IMAGE));
  const where = env.JOURNAL_TARGET_IMAGE ? `the image ${env.JOURNAL_TARGET_IMAGE}` : env.JOURNAL_API_URL;
  const target = external
    ? `${env.JOURNAL_TARGET ? `\`${env.JOURNAL_TARGET}\` at ` : ''}${where}`
    : `the bundled backend (${env.JOURNAL_STACK || 'embedded'} provider)`;
  const conformance = env.JOURNAL_CONFORMANCE || (external ? 'behaviour' : 'strict');
  return { target, conformance };
}

/**
 * A verdict, not a log: every integration test as passed / failed / not applicable (with the reason),
 * grouped by guarantee and by regression class, each failure with the requests that replay it. Written to
 * reports/verdict.md, to $GITHUB_STEP_SUMMARY when set, and as JUnit (reports/verdict.junit.xml).
 */
export default class VerdictReporter implements Reporter {
  private root = process.cwd();
  constructor(private readonly opts: VerdictOptions = {}) {}

  onInit(vitest: { config: { root: string } }): void {
    this.root = vitest.config.root;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules.filter((m) => m.project.name === 'integration').flatMap((m) => [...m.children.allTests()].map((t) => this.row(t)));
    if (rows.length === 0) return;
    const env = this.opts.env ?? process.env;
    const md = renderMarkdown(rows, describeTarget(env));
    const outDir = this.opts.outDir ?? `${this.root}/reports`;
    mkdirSync(outDir, { recursive: true });
    writeFileSync(`${outDir}/verdict.md`, md);
    writeFileSync(`${outDir}/verdict.junit.xml`, renderJUnit(rows));
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, md);
    const t = totals(rows);
    console.log(
      `[journal-suite] verdict: ${t.passed} passed, ${t.failed} failed, ${t.na} not applicable (${t.self} self-tests not counted) → ${relative(this.root, outDir)}/verdict.md`,
    );
  }

  private row(t: TestCase): Row {
    const file = relative(this.root, t.module.moduleId).split(sep);
    const folder = file[0] === 'tests' ? file[1]! : dirname(file.join('/'));
    const meta = t.meta();
    const r = t.result();
    const verdict: Verdict = r.state === 'passed' ? 'passed' : r.state === 'failed' ? 'failed' : 'not applicable';
    const reason =
      r.state === 'failed'
        ? firstLine(r.errors?.[0]?.message ?? 'failed')
        : r.state === 'skipped'
          ? (r.note ?? 'skipped without a reason')
          : r.state === 'pending'
            ? 'did not run'
            : '';
    return {
      guarantee: GUARANTEES[folder] ?? folder,
      name: t.fullName,
      level: meta.level ?? 'behaviour',
      classes: meta.classes ?? [],
      verdict,
      reason: r.state === 'failed' && r.errors?.[0]?.message ? fullReason(r.errors[0].message, r.errors[0].diff) : reason,
      exchanges: meta.exchanges ?? [],
      differences: meta.differences ?? [],
      rateLimited: meta.rateLimited ?? { count: 0, totalMs: 0 },
    };
  }
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** The error and, for a comparison, the lines of its diff that differ (what the target answered). */
function fullReason(message: string, diff?: string): string {
  const head = message.split('\n').slice(0, 14).join('\n').slice(0, 2000);
  if (!diff) return head;
  const changed = stripAnsi(diff)
    .split('\n')
    .filter((l) => /^\s*[-+]/.test(l))
    .slice(0, 24);
  return `${head}\n${changed.join('\n')}`.slice(0, 3000);
}

function totals(rows: Row[]) {
  const counted = rows.filter((r) => !(r.level === 'self' && r.verdict === 'not applicable'));
  return {
    passed: counted.filter((r) => r.verdict === 'passed').length,
    failed: counted.filter((r) => r.verdict === 'failed').length,
    na: counted.filter((r) => r.verdict === 'not applicable').length,
    self: rows.length - counted.length,
  };
}

function summarise(rows: Row[]): string {
  const p = rows.filter((r) => r.verdict === 'passed').length;
  const f = rows.filter((r) => r.verdict === 'failed').length;
  const n = rows.filter((r) => r.verdict === 'not applicable').length;
  return `${f ? '❌' : p ? '✅' : '➖'} ${p} passed, ${f} failed, ${n} n/a`;
}

export function renderMarkdown(rows: Row[], head: { target: string; conformance: string }): string {
  const out: string[] = [];
  const t = totals(rows);
  out.push('# Verdict', '');
  out.push(`- Target: ${head.target}`);
  out.push(
    `- Conformance judged: **${head.conformance}**${head.conformance === 'behaviour' ? ' (strict-contract tests are not applicable)' : " (this project's exact contract)"}`,
  );
  out.push(
    `- Totals: **${t.passed} passed, ${t.failed} failed, ${t.na} not applicable**; ${t.self} tests of the suite's own code not counted`,
  );
  const waited = rows.reduce((a, r) => ({ count: a.count + r.rateLimited.count, ms: a.ms + r.rateLimited.totalMs }), { count: 0, ms: 0 });
  out.push(
    `- Rate limit: ${waited.count} answers 429 with Retry-After waited out (${Math.round(waited.ms / 1000)} s of waits, summed over requests, concurrent ones overlapping)`,
  );
  out.push('');
  out.push('## By guarantee', '', '| guarantee | level | verdict |', '|---|---|---|');
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(`${r.guarantee}\u0000${r.level}`, [...(groups.get(`${r.guarantee}\u0000${r.level}`) ?? []), r]);
  for (const [k, rs] of [...groups].sort()) {
    const [g, level] = k.split('\u0000');
    out.push(`| ${esc(g!)} | ${level} | ${summarise(rs)} |`);
  }
  out.push('', '## By regression class', '', '| # | class | verdict | tests |', '|---|---|---|---|');
  for (const n of Object.keys(REGRESSION_CLASSES).map(Number)) {
    const rs = rows.filter((r) => r.classes.includes(n));
    if (rs.length === 0) {
      out.push(`| ${n} | ${REGRESSION_CLASSES[n]} | ➖ no test here | |`);
      continue;
    }
    const failed = rs.filter((r) => r.verdict === 'failed');
    out.push(
      `| ${n} | ${REGRESSION_CLASSES[n]} | ${summarise(rs)} | ${esc((failed.length ? failed : rs).map((r) => r.name).join('; ')).slice(0, 300)} |`,
    );
  }
  out.push('', '## Every test', '', '| verdict | level | classes | test | evidence / reason |', '|---|---|---|---|---|');
  for (const r of rows) {
    const icon = r.verdict === 'passed' ? '✅' : r.verdict === 'failed' ? '❌' : '➖';
    out.push(
      `| ${icon} ${r.verdict} | ${r.level} | ${r.classes.join(', ')} | ${esc(r.name)} | ${esc(firstLine(r.reason)).slice(0, 240)} |`,
    );
  }
  const failures = rows.filter((r) => r.verdict === 'failed');
  if (failures.length) out.push('', '## Failures, with the requests that replay them', '');
  for (const r of failures) {
    out.push(
      `### ❌ ${r.name}`,
      '',
      `${r.guarantee}; classes ${r.classes.map((c) => `${c} (${REGRESSION_CLASSES[c]})`).join(', ') || 'none'}`,
      '',
    );
    out.push('```', r.reason, '```');
    for (const d of r.differences) out.push('', `Documented difference of this target: ${d}`);
    const shown = r.exchanges.slice(-4);
    if (shown.length) {
      out.push('', `Last ${shown.length} of ${r.exchanges.length} exchanges:`, '', '```sh');
      for (const e of shown) out.push(asCurl(e), `# → ${e.status} ${e.responseBody.slice(0, 400).replace(/\n/g, ' ')}`);
      out.push('```');
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function renderJUnit(rows: Row[]): string {
  const bySuite = new Map<string, Row[]>();
  for (const r of rows) bySuite.set(r.guarantee, [...(bySuite.get(r.guarantee) ?? []), r]);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="journal verdict" tests="${rows.length}">`];
  for (const [g, rs] of bySuite) {
    const f = rs.filter((r) => r.verdict === 'failed').length;
    const s = rs.filter((r) => r.verdict === 'not applicable').length;
    out.push(`  <testsuite name="${xml(g)}" tests="${rs.length}" failures="${f}" skipped="${s}">`);
    for (const r of rs) {
      out.push(`    <testcase classname="${xml(g)}" name="${xml(r.name)}">`);
      out.push('      <properties>', `        <property name="level" value="${r.level}"/>`);
      for (const c of r.classes) out.push(`        <property name="regression_class" value="${c} ${xml(REGRESSION_CLASSES[c] ?? '')}"/>`);
      out.push('      </properties>');
      if (r.verdict === 'failed') {
        const replay = r.exchanges
          .slice(-4)
          .map((e) => `${asCurl(e)}\n# → ${e.status} ${e.responseBody.slice(0, 400)}`)
          .join('\n');
        out.push(`      <failure message="${xml(firstLine(r.reason))}">${xml(`${r.reason}\n\n${replay}`)}</failure>`);
      }
      if (r.verdict === 'not applicable') out.push(`      <skipped message="${xml(r.reason)}"/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
