import { describe, expect, it } from 'vitest';
import type { DeclaredDifference } from './hooks.js';
import { type Row, renderJUnit, renderMarkdown, violationsOf } from './verdict-reporter.js';
import type { Exchange } from './wire.js';

// Synthetic task results: the original's "client fields are stored" with three violations, each naming its
// exchange, one of them a property the target declares different; and a test whose only violation is declared.
const ex = (id: number, method: string, path: string, status: number, body: string, sent?: string): Exchange => ({
  id,
  method,
  url: `http://127.0.0.1:8000${path}`,
  requestHeaders: { 'content-type': 'application/json' },
  ...(sent !== undefined && { requestBody: sent }),
  status,
  responseBody: body,
});
const topicPost = ex(3, 'POST', '/api/v1/topics/', 200, '{"id":"t1","name":"kept"}', '{"user_id":"u1","name":"kept"}');
const entryGet = ex(
  7,
  'GET',
  '/api/v1/entries/e1?user_id=u1',
  200,
  '{"id":"e1","tags":["a","b","im sorry"],"created_at":"2026-12-03T18:00:00"}',
);
const unrelated = ex(8, 'GET', '/api/v1/topics/', 200, '[]');
const declared: DeclaredDifference[] = [{ property: 'topic.user_id', class: 15, why: 'its topics take no user' }];

const errors = [
  { message: "topic.user_id [exchange #3: POST /api/v1/topics/ → 200]: expected undefined to deeply equal 'u1'" },
  {
    message:
      "entry.created_at [exchange #7: GET /api/v1/entries/e1?user_id=u1 → 200]: expected '2026-12-03T18:00:00.000Z' to deeply equal '2025-12-24T17:00:00.000Z'",
    diff: '- Expected\n+ Received\n\n- 2025-12-24T17:00:00.000Z\n+ 2026-12-03T18:00:00.000Z',
  },
  {
    message:
      "entry.tags [exchange #7: GET /api/v1/entries/e1?user_id=u1 → 200]: expected [ 'a', 'b', 'im sorry' ] to deeply equal [ 'a', 'b' ]",
  },
];

function row(name: string, errs: typeof errors, exchanges: Exchange[], classes: number[]): Row {
  const violations = violationsOf(errs, exchanges, declared);
  return {
    guarantee: 'persistence across restarts, idempotency, client fields stored',
    name,
    level: 'behaviour',
    classes,
    verdict: violations.every((v) => v.declared) ? 'declared difference' : 'failed',
    reason: '',
    violations,
    exchanges,
    notes: [],
    rateLimited: { count: 0, totalMs: 0 },
  };
}

describe('the verdict lists every violation with its exchange', () => {
  const fields = row('client fields are stored > entries keep created_at …', errors, [topicPost, entryGet, unrelated], [8]);
  const onlyDeclared = row('identity > topic owner', errors.slice(0, 1), [topicPost], [15]);
  const unnamed = row('rows > a row check', [{ message: 'expected 1 to be 0' }], [unrelated], [9]);
  const md = renderMarkdown([fields, onlyDeclared, unnamed], { target: 'the original', conformance: 'behaviour' });

  it('one violation per failed expectation, each with the exchange its message names and its property', () => {
    expect(fields.violations.map((v) => [v.property, v.exchanges.map((e) => e.id), Boolean(v.declared)])).toEqual([
      ['topic.user_id', [3], true],
      ['entry.created_at', [7], false],
      ['entry.tags', [7], false],
    ]);
    expect(fields.violations[1]!.text).toContain('+ 2026-12-03T18:00:00.000Z');
  });

  it('a declared property is a difference only for exactly that property; a defect beside it fails the test', () => {
    const near = violationsOf(
      [{ message: 'topic.user_id_extra: expected 1 to be 2' }, { message: 'topic: expected 1 to be 2' }],
      [],
      declared,
    );
    expect(near.map((v) => v.declared)).toEqual([undefined, undefined]);
    expect(md).toContain('- Totals: **0 passed, 2 failed, 1 differ only where the target declares it, 0 not applicable**');
    expect(md).toContain('- Violations: **3 defects**, 2 declared differences');
  });

  it('renders each defect under its guarantee with a curl line, status and answer snippet; declared differences apart', () => {
    const defects = md.slice(md.indexOf('## Defects, by guarantee'), md.indexOf('## Declared differences'));
    expect(defects).toContain('### persistence across restarts, idempotency, client fields stored');
    expect(defects).toContain('#### ❌ client fields are stored > entries keep created_at …');
    expect(defects).toContain('classes: 8 (ignored client fields)');
    expect(defects).toMatch(/1\. `entry\.created_at`: entry\.created_at \[exchange #7/);
    expect(defects).toMatch(/2\. `entry\.tags`: .*im sorry/);
    expect(defects).toContain("curl -sS -i -X GET 'http://127.0.0.1:8000/api/v1/entries/e1?user_id=u1'");
    expect(defects).toContain('# → 200 {"id":"e1","tags":["a","b","im sorry"]');
    // The declared property is not among the defects' numbered list, only named as declared.
    expect(defects).not.toMatch(/\d\. `topic\.user_id`/);
    expect(defects).toContain('- `topic.user_id` (class 15): its topics take no user');
    // A message naming no exchange shows the test's last one, said to be so.
    expect(defects).toContain("names no exchange; the test's last one:");
    const differences = md.slice(md.indexOf('## Declared differences'));
    expect(differences).toContain('#### 🔷 identity > topic owner');
    expect(differences).toContain(
      `curl -sS -i -X POST 'http://127.0.0.1:8000/api/v1/topics/' -H 'content-type: application/json' --data-raw '{"user_id":"u1","name":"kept"}'`,
    );
    expect(differences).toContain('declared (class 15, cross-user leakage): its topics take no user');
    expect(md).toContain('| 15 | cross-user leakage | 🔷 0 passed, 0 failed, 1 declared difference only, 0 n/a | 0 | 2 |');
  });

  it('JUnit: a failure per test listing every violation, defects first; a declared-only test is never a pass', () => {
    const xml = renderJUnit([fields, onlyDeclared]);
    expect(xml).toContain('failures="2"');
    expect(xml).toContain('<failure type="defect"');
    expect(xml).toContain('<failure type="declared-difference"');
    const body = xml.slice(xml.indexOf('<failure type="defect"'), xml.indexOf('</failure>'));
    expect(body.indexOf('1. entry.created_at')).toBeGreaterThan(-1);
    expect(body.indexOf('3. [declared difference, class 15')).toBeGreaterThan(body.indexOf('2. entry.tags'));
    expect(body).toContain('curl -sS -i -X GET');
    expect(xml).toContain('<property name="defect" value="entry.tags');
  });
});
