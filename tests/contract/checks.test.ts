import { beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES, CHECKS, type CheckName, type Failure, selectChecks } from '../../helpers/checks/catalogue.js';
import { loadOpenApi } from '../../helpers/checks/document.js';
import { type CheckReport, runChecks } from '../../helpers/checks/runner.js';
import { runTarget } from '../../helpers/deployment/run.js';
import { newUser } from '../../helpers/factories.js';
import { useStack } from '../../helpers/stack.js';

const stack = useStack();
// An unknown name fails the file at once, listing the valid ones.
const SELECTED = selectChecks(process.env.JOURNAL_CHECKS);
// Cases per operation (the first two are boundary cases): small by default, so the whole catalogue takes
// seconds on the bundled backend; fewer against a deployment, which answers at its own pace.
// JOURNAL_FUZZ_RUNS asks for more, as it does for tests/fuzz.
const CASES = Number(process.env.JOURNAL_FUZZ_RUNS ?? (stack.info.provider === 'external' ? 3 : 4));

/**
 * Findings on our own backend that are the document's to fix, not the server's (issue 14 item 1: the
 * document states every rule the server enforces). Each is printed with its rule when met, only on the
 * bundled backend; any other failure fails the test. Remove an entry when the document states its rule.
 */
const NON_BLANK = 'non-blank text as a pattern';
const ZONES = 'IANA zones as an enum';
const DATES = 'format date / date-time on filters and timestamps';
const CHANGES = 'minProperties on updates';
const PENDING_DOCUMENT_RULES: { check: CheckName; matches: RegExp; rule: string }[] = [
  {
    check: 'content_type_conformance',
    matches: /^DELETE .*: 204 has no Content-Type \(and no body\); the document declares application\/json/,
    rule: '204 without content',
  },
  {
    check: 'content_type_conformance',
    matches: /^GET \/api\/v1\/sessions\/\{id\}\/export: 200 answered text\/markdown/,
    rule: 'the markdown export declared as text/markdown',
  },
  ...(['positive_data_acceptance', 'stateful_sequences'] as const).flatMap((check) => [
    {
      check,
      matches:
        /answered 422\n[\s\S]*"path":"(username|name|content|message)","message":"(Too small|must not be blank|must contain at least 3 non-blank)/,
      rule: NON_BLANK,
    },
    { check, matches: /answered 422\n[\s\S]*"path":"(timezone|tz)","message":"must be an IANA time zone"/, rule: ZONES },
    {
      check,
      matches:
        /answered 422\n[\s\S]*"path":"(date_from|date_to|created_at|context_metadata\.timestamp)","message":"must be a (date|real date)/,
      rule: DATES,
    },
    { check, matches: /answered 422\n[\s\S]*"path":"body","message":"must change at least one field"/, rule: CHANGES },
    // Time-dependent, so no JSON Schema can say it (the document says it in words): generated timestamps may lie ahead.
    {
      check,
      matches: /answered 422\n[\s\S]*"path":"created_at","message":"must not lie in the future"/,
      rule: 'created_at not in the future: a rule JSON Schema cannot state',
    },
  ]),
];

let report: CheckReport;

/** The target's own document, where a deployment serves it. */
async function targetDocument(apiUrl: string): Promise<Record<string, unknown>> {
  for (const path of ['/openapi.json', '/api/v1/openapi.json']) {
    const res = await runTarget()
      .fetch(`${apiUrl}${path}`)
      .catch(() => null);
    if (!res?.ok) continue;
    const raw = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (raw && typeof raw.openapi === 'string') return raw;
  }
  throw new Error(`the target serves no OpenAPI 3 document at ${apiUrl}/openapi.json or ${apiUrl}/api/v1/openapi.json`);
}

const shown = (f: Failure) => `${f.operation}: ${f.message}${f.times > 1 ? ` (${f.times} times)` : ''}\n${f.curl}`;

// The checks catalogue (helpers/checks), judged on this deployment from its own OpenAPI document: one test
// per check, so the verdict names each. Every request the run sends is judged by the response checks.
describe('checks catalogue against the target', { meta: { level: 'behaviour' } }, () => {
  beforeAll(async () => {
    const raw = await targetDocument(stack.apiUrl);
    // The user route is not in every deployment: a user made the target's own way fills every user_id.
    const { got: user } = await newUser(stack.api);
    report = await runChecks({
      baseUrl: stack.apiUrl,
      document: await loadOpenApi(raw),
      seed: stack.info.seed,
      cases: CASES,
      checks: SELECTED,
      overrides: { user_id: user.id },
      fetch: runTarget().fetch,
    });
    const waiting = report.perOperation.reduce((t, p) => t + p.ms, 0);
    const slowest = report.perOperation.slice(0, 3).map((p) => `${p.operation} ${p.requests}× ${p.ms} ms`);
    console.log(
      `[checks] ${report.requests} requests in ${report.ms} ms, ${waiting} ms of it waiting for answers ` +
        `(${CASES} cases per operation, seed ${stack.info.seed}); slowest: ${slowest.join(', ')}`,
    );
  }, 300_000);

  it.for(CHECK_NAMES)('%s', (name: CheckName, ctx) => {
    if (!SELECTED.includes(name)) {
      const why = `not selected by JOURNAL_CHECKS=${process.env.JOURNAL_CHECKS}`;
      console.warn(`[journal-suite] skipped "${name}": ${why}`);
      ctx.skip(why);
      return;
    }
    const r = report.results.find((x) => x.name === name)!;
    const pending = runTarget().bundled ? PENDING_DOCUMENT_RULES.filter((p) => p.check === name) : [];
    const ruleOf = (f: Failure) => pending.find((p) => p.matches.test(`${f.operation}: ${f.message}\n${f.curl}`))?.rule;
    for (const f of r.failures) {
      const rule = ruleOf(f);
      if (rule) console.warn(`[checks] ${name}: pending document rule (${rule}): ${f.operation}: ${f.message}`);
    }
    const failures = r.failures.filter((f) => !ruleOf(f)).map(shown);
    const more = r.moreFailures ? [`... and ${r.moreFailures} more`] : [];
    // Every failure in one message, each with its curl line: a check's verdict shows all it found.
    if (failures.length || more.length)
      expect.fail(`${name}: ${CHECKS[name]}; ${failures.length} failing in ${r.judged} judged:\n\n${[...failures, ...more].join('\n\n')}`);
    const unchecked = r.unchecked.map((u) => `${u.operation}: ${u.reason}`);
    if (unchecked.length) console.warn(`[checks] ${name} could not judge:\n  ${unchecked.join('\n  ')}`);
    // What the validator or the generator could not read is never passed in silence: on the bundled backend
    // (our own document) there must be none; on a deployment, a check that judged nothing is not applicable.
    if (runTarget().bundled) expect(unchecked, `${name}: parts left unchecked`).toEqual([]);
    else if (r.judged === 0) ctx.skip(`${name} judged nothing: ${unchecked.join('; ')}`);
    expect(r.judged).toBeGreaterThan(0);
  });
});
