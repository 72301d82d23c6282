/**
 * What any input may hold, whatever field, key or query carries it: the one rule the server applies to
 * every body, query and path before a route's schema sees them (CONTRACT: "Text may not contain NUL or
 * lone surrogates"). Checked once here rather than per field, so a field added later cannot miss it and
 * free-form JSON (metadata, context_metadata, initial_context) is covered down to its last key.
 *
 * Why each rule: PostgreSQL cannot store NUL in text or jsonb (the insert fails: a 500); a lone surrogate
 * is not Unicode, so text columns store U+FFFD in its place (distinct names collide) and jsonb refuses it;
 * `__proto__` and `constructor` keys are how JSON reaches an object's prototype once code copies it;
 * thousands of levels of nesting exhaust PostgreSQL's stack; 1e400 parses to Infinity, which JSON stores
 * as null.
 */

/** The largest request body read, in bytes (413 beyond). */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** The router's limit on one path parameter, in characters (422 naming it beyond). */
export const MAX_PARAM_LENGTH = 100;

/** Levels of objects and arrays a body may have, the body itself being the first. */
export const MAX_JSON_DEPTH = 32;
/** Keys refused anywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor']);
// One answer names enough fields to fix the request; a body of ten thousand bad strings is not listed whole.
const MAX_PROBLEMS = 20;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * These rules as the document states them: JSON Schema could say some per field, none for every key of
 * free-form JSON, so the document says them once (info.description and each operation's description).
 */
export const WIRE_RULES = [
  'Every string, object key, query value and path parameter, at any depth (metadata included), is refused with 422 naming',
  'its field if it contains NUL (U+0000) or a lone surrogate. Object keys `__proto__` and `constructor` are refused, as',
  `is nesting deeper than ${MAX_JSON_DEPTH} levels and a number beyond a double (1e400). A body is JSON (any other`,
  `content type is 415) of at most ${BODY_LIMIT_BYTES} bytes (413); a path parameter that is not percent-encoded UTF-8`,
  `or longer than ${MAX_PARAM_LENGTH} characters is 422 naming it.`,
].join(' ');

/** Why `s` cannot be text on the wire, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone surrogate (not valid Unicode)';
  return undefined;
}

export interface InputProblem {
  path: string;
  message: string;
}

// A key is shown as JSON would escape it, so a path naming a key with NUL in it is still readable text.
function showKey(key: string): string {
  return textProblem(key) === undefined ? key : JSON.stringify(key).slice(1, -1);
}

/**
 * Every problem in a parsed JSON value (a body, a query object, path parameters), each with the dotted
 * path of the field or key (`metadata.note`, `context_metadata.list.0`), as validation errors name fields.
 * Iterative, so no input can exhaust the stack here.
 */
export function inspectInput(value: unknown): InputProblem[] {
  const problems: InputProblem[] = [];
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value: v, path } = stack.pop()!;
    const at = (extra?: string) => [...path, ...(extra === undefined ? [] : [extra])].join('.') || 'body';
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) problems.push({ path: at(), message: problem });
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) problems.push({ path: at(), message: 'must be a finite number' });
    } else if (v !== null && typeof v === 'object') {
      // Reported at the field that holds the nesting: a path thousands of keys long names nothing useful.
      if (path.length >= MAX_JSON_DEPTH) {
        problems.push({ path: path[0] ?? 'body', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` });
        continue;
      }
      const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
      for (const [key, child] of entries) {
        const shown = showKey(key);
        if (!Array.isArray(v)) {
          if (FORBIDDEN_KEYS.has(key)) {
            problems.push({ path: at(shown), message: `the key ${key} is not allowed` });
            continue;
          }
          const keyProblem = textProblem(key);
          if (keyProblem) {
            problems.push({ path: at(shown), message: `key ${keyProblem}` });
            continue;
          }
        }
        stack.push({ value: child, path: [...path, shown] });
      }
    }
  }
  return dedupeDepth(problems);
}

// One nesting report per field, however many branches of it are too deep.
function dedupeDepth(problems: InputProblem[]): InputProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
