import { asCurl } from '../deployment/wire.js';
import { jsonMedia, type Operation, responseFor } from './document.js';
import { readings } from './generate.js';
import type { SchemaValidator } from './validator.js';

/**
 * The checks, named as Schemathesis names its own (`--checks`), each judged on any deployment from that
 * deployment's own OpenAPI document.
 */
export const CHECKS = {
  not_a_server_error: 'no 5xx, other than a 503 the document declares for the operation',
  status_code_conformance: 'every status is one the document declares for the operation',
  content_type_conformance: 'a response with content has a content type the document declares for its status, and one without needs none',
  response_schema_conformance: "a JSON body meets the document's schema for its operation and status",
  response_headers_conformance: 'the headers the document marks required are present, with values meeting their schemas',
  positive_data_acceptance: 'a request the document says is valid gets a 2xx',
  negative_data_rejection: 'a request the document says is invalid gets a 4xx',
  use_after_free: 'after a 2xx DELETE, the resource is not answered with a 2xx anywhere it was readable',
  ensure_resource_availability: 'after a 2xx create, the resource is readable at its item route',
  stateful_sequences:
    'create, read, list, cross-route reads and sub-resources, update, delete and read again, each step as the document says',
} as const;

export type CheckName = keyof typeof CHECKS;
export const CHECK_NAMES = Object.keys(CHECKS) as CheckName[];

/** The checks judged on every exchange, whatever phase sent it. */
export const RESPONSE_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
] as const satisfies readonly CheckName[];

/** JOURNAL_CHECKS: a comma list of check names (default all); a name not in the catalogue is an error listing the valid ones. */
export function selectChecks(value: string | undefined): CheckName[] {
  if (!value || value.trim() === '') return [...CHECK_NAMES];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(n in CHECKS));
  if (unknown.length) throw new Error(`JOURNAL_CHECKS: unknown check ${unknown.join(', ')}; valid checks: ${CHECK_NAMES.join(', ')}`);
  return CHECK_NAMES.filter((n) => names.includes(n));
}

/** One request and its answer, as sent and received. */
export interface CheckExchange {
  op: Operation;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

export interface Failure {
  operation: string;
  message: string;
  /** The exchange that shows it (the first seen), as a command that replays it, with the answer underneath. */
  curl: string;
  /** How many exchanges failed with this operation and message. */
  times: number;
}

export interface CheckResult {
  name: CheckName;
  description: string;
  /** fail: at least one failure; unchecked: none, but something could not be judged (reasons given); pass otherwise. */
  verdict: 'pass' | 'fail' | 'unchecked';
  /** How many exchanges or cases this check judged. */
  judged: number;
  failures: Failure[];
  /** Failures past the ones kept (MAX_KEPT distinct ones per check). */
  moreFailures: number;
  unchecked: { operation: string; reason: string }[];
}

/** The curl line of an exchange, with the status and the start of the body it got. */
export function replay(e: CheckExchange): string {
  const answer = `# -> ${e.status} ${e.responseHeaders['content-type'] ?? '(no content-type)'} ${e.responseBody.slice(0, 300)}`;
  return `${asCurl(e)}\n${answer}`;
}

/** What one check says about one exchange: nothing to judge, a pass, a failure, or why it could not judge. */
export type Judgement = { kind: 'na' } | { kind: 'pass' } | { kind: 'fail'; message: string } | { kind: 'unchecked'; reason: string };

const NA: Judgement = { kind: 'na' };
const PASS: Judgement = { kind: 'pass' };

const mediaBase = (t: string) => t.split(';')[0]!.trim().toLowerCase();

/** A content type matches a declared media range (`application/json`, `application/*`, `*\/*`). */
function matchesRange(actual: string, declared: string): boolean {
  const [a1, a2] = mediaBase(actual).split('/');
  const [d1, d2] = mediaBase(declared).split('/');
  return (d1 === '*' || d1 === a1) && (d2 === '*' || d2 === a2);
}

/** The checks judged on one answer, by the document alone. */
export const responseChecks: Record<(typeof RESPONSE_CHECKS)[number], (e: CheckExchange, validator: SchemaValidator) => Judgement> = {
  not_a_server_error(e) {
    if (e.status < 500) return PASS;
    if (e.status === 503 && responseFor(e.op, 503)?.key === '503') return PASS;
    return { kind: 'fail', message: `answered ${e.status}` };
  },

  status_code_conformance(e) {
    const declared = Object.keys(e.op.responses);
    if (declared.length === 0) return { kind: 'unchecked', reason: 'the document declares no responses for this operation' };
    if (responseFor(e.op, e.status)) return PASS;
    return { kind: 'fail', message: `answered ${e.status}; the document declares ${declared.join(', ')}` };
  },

  content_type_conformance(e) {
    const found = responseFor(e.op, e.status);
    if (!found) return NA;
    const declared = Object.keys(found.spec.content ?? {});
    const actual = e.responseHeaders['content-type'];
    const hasBody = e.responseBody.length > 0;
    if (declared.length === 0) {
      if (!hasBody) return PASS;
      return { kind: 'fail', message: `${e.status} has a body (${actual ?? 'no content type'}); the document declares no content for it` };
    }
    if (!actual)
      return {
        kind: 'fail',
        message: `${e.status} has no Content-Type${hasBody ? '' : ' (and no body)'}; the document declares ${declared.join(', ')} for it`,
      };
    if (declared.some((d) => matchesRange(actual, d))) return PASS;
    return { kind: 'fail', message: `${e.status} answered ${actual}; the document declares ${declared.join(', ')}` };
  },

  response_schema_conformance(e, validator) {
    const found = responseFor(e.op, e.status);
    const media = jsonMedia(found?.spec.content);
    if (!found || !media?.media.schema) return NA;
    const actual = e.responseHeaders['content-type'];
    // A body that is not JSON where JSON is declared is content_type_conformance's to report.
    if (!actual || !/json/i.test(actual)) return NA;
    const compiled = validator.compile(media.media.schema);
    if (!compiled.ok) return { kind: 'unchecked', reason: `${e.status} ${media.type}: ${compiled.reason}` };
    let body: unknown;
    try {
      body = JSON.parse(e.responseBody);
    } catch {
      return { kind: 'fail', message: `${e.status} says ${actual} but the body is not JSON` };
    }
    const problems = compiled.problems(body);
    return problems.length ? { kind: 'fail', message: `${e.status} body off the document's schema: ${problems.join('; ')}` } : PASS;
  },

  response_headers_conformance(e, validator) {
    const found = responseFor(e.op, e.status);
    if (!found) return NA;
    const problems: string[] = [];
    let judged = false;
    for (const [name, spec] of Object.entries(found.spec.headers ?? {})) {
      // OpenAPI: a Content-Type header definition is ignored (the media type says it).
      if (name.toLowerCase() === 'content-type') continue;
      judged = true;
      const value = e.responseHeaders[name.toLowerCase()];
      if (value === undefined) {
        if (spec.required) problems.push(`required header ${name} missing`);
        continue;
      }
      if (!spec.schema) continue;
      const compiled = validator.compile(spec.schema);
      if (!compiled.ok) return { kind: 'unchecked', reason: `header ${name}: ${compiled.reason}` };
      if (!readings(value).some((v) => compiled.accepts(v))) problems.push(`header ${name}: ${JSON.stringify(value)} off its schema`);
    }
    if (problems.length) return { kind: 'fail', message: `${e.status}: ${problems.join('; ')}` };
    // Nothing declared: every answer meets it; counted as judged so a document without headers still passes visibly.
    return judged || Object.keys(found.spec.headers ?? {}).length === 0 ? PASS : NA;
  },
};

const MAX_KEPT = 200;

/** Collects judgements per check into results (failures kept once per operation and message, counted). */
export class Tally {
  private readonly results = new Map<CheckName, CheckResult>();

  constructor(readonly enabled: readonly CheckName[]) {
    for (const name of enabled)
      this.results.set(name, { name, description: CHECKS[name], verdict: 'pass', judged: 0, failures: [], moreFailures: 0, unchecked: [] });
  }

  has(name: CheckName): boolean {
    return this.results.has(name);
  }

  add(name: CheckName, op: Operation, j: Judgement, e?: CheckExchange): void {
    const r = this.results.get(name);
    if (!r || j.kind === 'na') return;
    if (j.kind === 'unchecked') {
      if (!r.unchecked.some((u) => u.operation === op.id && u.reason === j.reason))
        r.unchecked.push({ operation: op.id, reason: j.reason });
      return;
    }
    r.judged++;
    if (j.kind === 'pass') return;
    const same = r.failures.find((f) => f.operation === op.id && f.message === j.message);
    if (same) same.times++;
    else if (r.failures.length >= MAX_KEPT) r.moreFailures++;
    else r.failures.push({ operation: op.id, message: j.message, curl: e ? replay(e) : '(no exchange)', times: 1 });
  }

  /** Every response check on one answer. */
  judgeResponse(e: CheckExchange, validator: SchemaValidator): void {
    for (const name of RESPONSE_CHECKS) if (this.has(name)) this.add(name, e.op, responseChecks[name](e, validator), e);
  }

  finish(): CheckResult[] {
    return [...this.results.values()].map((r) => ({
      ...r,
      verdict: r.failures.length ? 'fail' : r.unchecked.length || r.judged === 0 ? 'unchecked' : 'pass',
      unchecked:
        r.judged === 0 && r.unchecked.length === 0
          ? [{ operation: '(all)', reason: 'nothing this check applies to was sent' }]
          : r.unchecked,
    }));
  }
}
