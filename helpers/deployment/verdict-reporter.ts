import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { REGRESSION_CLASSES, type Level } from './regression-classes.js';
import type { DeclaredDifference } from './hooks.js';
import { asCurl, type Exchange, namedExchangeIds } from './wire.js';

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

type Verdict = 'passed' | 'failed' | 'declared difference' | 'not applicable';

/** One failed expectation of a test, with the exchange(s) its message names. */
export interface Violation {
  /** The message's first lines and, for a comparison, the lines of its diff that differ. */
  text: string;
  /** The property the expectation read (`topic.user_id`), when its message starts with one. */
  property?: string;
  /** The exchanges its message names (`[exchange #n: …]`) that the journal kept. */
  exchanges: Exchange[];
  /** Set when the target declared exactly this property different by design: not a defect. */
  declared?: DeclaredDifference;
}

export interface Row {
  guarantee: string;
  name: string;
  level: Level;
  classes: number[];
  verdict: Verdict;
  reason: string;
  violations: Violation[];
  /** The test's last exchanges, shown for a violation that names none. */
  exchanges: Exchange[];
  notes: string[];
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
 * A verdict, not a log: every integration test as passed / failed / declared difference / not applicable
 * (with the reason), grouped by guarantee and by regression class. A failed test lists every violation
 * (each soft expectation that failed, and the error that ended it) with the exchange its message names as
 * the command that replays it. A violation is a declared difference only when the target's module declared
 * exactly its property; a test with any other violation is failed, and none is ever counted passed. Written to
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
      `[journal-suite] verdict: ${t.passed} passed, ${t.failed} failed (${t.defects} defects), ${t.declared} declared difference only (${t.differences} declared), ${t.na} not applicable (${t.self} self-tests not counted) → ${relative(this.root, outDir)}/verdict.md`,
    );
  }

  private row(t: TestCase): Row {
    const file = relative(this.root, t.module.moduleId).split(sep);
    const folder = file[0] === 'tests' ? file[1]! : dirname(file.join('/'));
    const meta = t.meta();
    const r = t.result();
    const exchanges = meta.exchanges ?? [];
    const violations = r.state === 'failed' ? violationsOf(r.errors ?? [], exchanges, meta.declared ?? []) : [];
    const defects = violations.filter((v) => !v.declared);
    const verdict: Verdict =
      r.state === 'passed'
        ? 'passed'
        : r.state === 'failed'
          ? // Declared only when every violation is a declared property; one defect fails the test.
            violations.length > 0 && defects.length === 0
            ? 'declared difference'
            : 'failed'
          : 'not applicable';
    const reason =
      r.state === 'failed'
        ? violationSummary(violations)
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
      reason,
      violations,
      exchanges,
      notes: meta.notes ?? [],
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

/** A property as the tests name one: a dotted path at the start of an expectation's message. */
const PROPERTY = /^([A-Za-z_]\w*(?:\.[\w[\]]+)+)(?=[\s:]|$)/;

/**
 * Every failed expectation of a test (soft ones and the error that ended it), each with the exchanges its
 * message names, and marked declared only when the target declared exactly its property.
 */
export function violationsOf(
  errors: ReadonlyArray<{ message?: string; diff?: string }>,
  exchanges: Exchange[],
  declared: DeclaredDifference[],
): Violation[] {
  const byId = new Map(exchanges.map((e) => [e.id, e]));
  return errors.map((e) => {
    const message = stripAnsi(e.message ?? 'failed');
    const property = PROPERTY.exec(message)?.[1];
    const difference = property === undefined ? undefined : declared.find((d) => d.property === property);
    return {
      text: fullReason(message, e.diff),
      ...(property !== undefined && { property }),
      exchanges: namedExchangeIds(message).flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
      ...(difference && { declared: difference }),
    };
  });
}

function violationSummary(vs: Violation[]): string {
  const defects = vs.filter((v) => !v.declared);
  const shown = defects[0] ?? vs[0];
  const head = shown ? firstLine(shown.text) : 'failed';
  const counts = `${defects.length} defect${defects.length === 1 ? '' : 's'}${vs.length > defects.length ? `, ${vs.length - defects.length} declared difference${vs.length - defects.length === 1 ? '' : 's'}` : ''}`;
  return vs.length > 1 ? `${counts}; first: ${head}` : head;
}

function totals(rows: Row[]) {
  const counted = rows.filter((r) => !(r.level === 'self' && r.verdict === 'not applicable'));
  return {
    passed: counted.filter((r) => r.verdict === 'passed').length,
    failed: counted.filter((r) => r.verdict === 'failed').length,
    declared: counted.filter((r) => r.verdict === 'declared difference').length,
    na: counted.filter((r) => r.verdict === 'not applicable').length,
    self: rows.length - counted.length,
    defects: counted.reduce((n, r) => n + r.violations.filter((v) => !v.declared).length, 0),
    differences: counted.reduce((n, r) => n + r.violations.filter((v) => v.declared).length, 0),
  };
}

const ICON: Record<Verdict, string> = { passed: '✅', failed: '❌', 'declared difference': '🔷', 'not applicable': '➖' };

function summarise(rows: Row[]): string {
  const p = rows.filter((r) => r.verdict === 'passed').length;
  const f = rows.filter((r) => r.verdict === 'failed').length;
  const d = rows.filter((r) => r.verdict === 'declared difference').length;
  const n = rows.filter((r) => r.verdict === 'not applicable').length;
  return `${f ? '❌' : d ? '🔷' : p ? '✅' : '➖'} ${p} passed, ${f} failed${d ? `, ${d} declared difference only` : ''}, ${n} n/a`;
}

function counts(rows: Row[]): { defects: number; differences: number } {
  const vs = rows.flatMap((r) => r.violations);
  return { defects: vs.filter((v) => !v.declared).length, differences: vs.filter((v) => v.declared).length };
}

const answerLine = (e: Exchange) => `# → ${e.status} ${e.responseBody.slice(0, 400).replace(/\s*\n\s*/g, ' ')}`;

/** The exchanges a violation names as replay commands, or the test's last one, said to be so. */
function evidence(v: Violation, r: Row): { label: string; lines: string[] } {
  if (v.exchanges.length) return { label: '', lines: v.exchanges.flatMap((e) => [asCurl(e), answerLine(e)]) };
  const last = r.exchanges.at(-1);
  if (!last) return { label: 'no exchange: the expectation is about something else than an answer (rows, a process)', lines: [] };
  return { label: "names no exchange; the test's last one:", lines: [asCurl(last), answerLine(last)] };
}

function renderViolation(out: string[], n: number, v: Violation, r: Row): void {
  const lines = v.text.split('\n');
  const what = v.property ? `\`${v.property}\`` : 'expectation';
  out.push(`${n}. ${what}: ${esc(lines[0]!)}`);
  const ev = evidence(v, r);
  const rest = lines.slice(1).filter((l) => l.trim() !== '');
  if (rest.length || ev.lines.length) {
    if (ev.label) out.push(`   ${ev.label}`);
    out.push('', '   ```sh');
    for (const l of rest) out.push(`   # ${l}`);
    for (const l of ev.lines) out.push(`   ${l}`);
    out.push('   ```', '');
  }
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
    `- Totals: **${t.passed} passed, ${t.failed} failed, ${t.declared} differ only where the target declares it, ${t.na} not applicable**; ${t.self} tests of the suite's own code not counted`,
  );
  out.push(
    `- Violations: **${t.defects} defects**, ${t.differences} declared differences (the target declared exactly that property different by design; never counted as passed, never hiding a defect)`,
  );
  const waited = rows.reduce((a, r) => ({ count: a.count + r.rateLimited.count, ms: a.ms + r.rateLimited.totalMs }), { count: 0, ms: 0 });
  out.push(
    `- Rate limit: ${waited.count} answers 429 with Retry-After waited out (${Math.round(waited.ms / 1000)} s of waits, summed over requests, concurrent ones overlapping)`,
  );
  out.push('');
  out.push('## By guarantee', '', '| guarantee | level | verdict | defects | declared differences |', '|---|---|---|---|---|');
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(`${r.guarantee}\u0000${r.level}`, [...(groups.get(`${r.guarantee}\u0000${r.level}`) ?? []), r]);
  for (const [k, rs] of [...groups].sort()) {
    const [g, level] = k.split('\u0000');
    const c = counts(rs);
    out.push(`| ${esc(g!)} | ${level} | ${summarise(rs)} | ${c.defects} | ${c.differences} |`);
  }
  out.push(
    '',
    '## By regression class',
    '',
    '| # | class | verdict | defects | declared differences | tests |',
    '|---|---|---|---|---|---|',
  );
  for (const n of Object.keys(REGRESSION_CLASSES).map(Number)) {
    const rs = rows.filter((r) => r.classes.includes(n));
    // A declared difference counts under the class its declaration names, whichever test found it.
    const declaredHere = rows.flatMap((r) => r.violations.filter((v) => v.declared?.class === n)).length;
    if (rs.length === 0) {
      out.push(`| ${n} | ${REGRESSION_CLASSES[n]} | ➖ no test here | | ${declaredHere || ''} | |`);
      continue;
    }
    const failed = rs.filter((r) => r.verdict === 'failed');
    out.push(
      `| ${n} | ${REGRESSION_CLASSES[n]} | ${summarise(rs)} | ${counts(rs).defects} | ${declaredHere} | ${esc((failed.length ? failed : rs).map((r) => r.name).join('; ')).slice(0, 300)} |`,
    );
  }
  out.push('', '## Every test', '', '| verdict | level | classes | test | evidence / reason |', '|---|---|---|---|---|');
  for (const r of rows) {
    out.push(
      `| ${ICON[r.verdict]} ${r.verdict} | ${r.level} | ${r.classes.join(', ')} | ${esc(r.name)} | ${esc(firstLine(r.reason)).slice(0, 240)} |`,
    );
  }
  const failures = rows.filter((r) => r.verdict === 'failed');
  if (failures.length) {
    out.push('', '## Defects, by guarantee', '');
    out.push('Every failed expectation of each failed test, with the exchange it is about as the command that replays it.', '');
  }
  for (const [g, rs] of groupBy(failures, (r) => r.guarantee)) {
    out.push(`### ${g}`, '');
    for (const r of rs) {
      out.push(`#### ❌ ${r.name}`, '', `classes: ${r.classes.map((c) => `${c} (${REGRESSION_CLASSES[c]})`).join(', ') || 'none'}`, '');
      let n = 0;
      for (const v of r.violations.filter((v) => !v.declared)) renderViolation(out, ++n, v, r);
      if (r.violations.length === 0) out.push('```', r.reason, '```', '');
      const declared = r.violations.filter((v) => v.declared);
      if (declared.length) {
        out.push('Also in this test, declared differences of the target (not defects):', '');
        for (const v of declared) out.push(`- \`${v.property}\` (class ${v.declared!.class}): ${esc(v.declared!.why)}`);
        out.push('');
      }
      for (const note of r.notes) out.push(`Note of this target on ${note} (context, not an excuse)`, '');
    }
  }
  const differing = rows.filter((r) => r.violations.some((v) => v.declared));
  if (differing.length) {
    out.push('', '## Declared differences (by design, not defects)', '');
    out.push(
      "Each is a violation of exactly the property the target's module declares different; the tests above still count every other violation.",
      '',
    );
  }
  for (const [g, rs] of groupBy(differing, (r) => r.guarantee)) {
    out.push(`### ${g}`, '');
    for (const r of rs) {
      out.push(`#### ${ICON[r.verdict]} ${r.name}`, '');
      let n = 0;
      for (const v of r.violations.filter((v) => v.declared)) {
        renderViolation(out, ++n, v, r);
        out.push(`   declared (class ${v.declared!.class}, ${REGRESSION_CLASSES[v.declared!.class] ?? ''}): ${esc(v.declared!.why)}`, '');
      }
    }
  }
  return `${out.join('\n')}\n`;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return m;
}

/** A violation as plain text: its message, then the exchanges that show it as replay commands. */
function violationText(v: Violation, r: Row): string {
  const ev = evidence(v, r);
  const head = v.declared ? `[declared difference, class ${v.declared.class}: ${v.declared.why}] ` : '';
  return [`${head}${v.text}`, ...(ev.label ? [`# ${ev.label}`] : []), ...ev.lines].join('\n');
}

export function renderJUnit(rows: Row[]): string {
  const bySuite = groupBy(rows, (r) => r.guarantee);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="journal verdict" tests="${rows.length}">`];
  for (const [g, rs] of bySuite) {
    const f = rs.filter((r) => r.verdict === 'failed' || r.verdict === 'declared difference').length;
    const s = rs.filter((r) => r.verdict === 'not applicable').length;
    out.push(`  <testsuite name="${xml(g)}" tests="${rs.length}" failures="${f}" skipped="${s}">`);
    for (const r of rs) {
      out.push(`    <testcase classname="${xml(g)}" name="${xml(r.name)}">`);
      out.push('      <properties>', `        <property name="level" value="${r.level}"/>`);
      for (const c of r.classes) out.push(`        <property name="regression_class" value="${c} ${xml(REGRESSION_CLASSES[c] ?? '')}"/>`);
      for (const v of r.violations)
        out.push(
          `        <property name="${v.declared ? 'declared_difference' : 'defect'}" value="${xml(firstLine(v.text)).slice(0, 300)}"/>`,
        );
      out.push('      </properties>');
      if (r.verdict === 'failed' || r.verdict === 'declared difference') {
        // Defects first, then declared differences: every violation with its exchange.
        const ordered = [...r.violations.filter((v) => !v.declared), ...r.violations.filter((v) => v.declared)];
        const body = ordered.length ? ordered.map((v, i) => `${i + 1}. ${violationText(v, r)}`).join('\n\n') : r.reason;
        const type = r.verdict === 'failed' ? 'defect' : 'declared-difference';
        out.push(`      <failure type="${type}" message="${xml(firstLine(r.reason))}">${xml(body)}</failure>`);
      }
      if (r.verdict === 'not applicable') out.push(`      <skipped message="${xml(r.reason)}"/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
