/**
 * The tolerant reader for error answers: whatever envelope a target uses, it finds what a behaviour test
 * needs (the status is on the response; here the code, a message and the fields named). It knows this
 * project's envelope `{error, message, details:[{path,message}]}`, FastAPI's `{"detail": "..." | [{loc,msg}]}`,
 * the original service's `{"error","details":[{loc,msg}],"body"}` and its `{"error_code","message"}`.
 * Anything else keeps its text as the message and names no field.
 */
export interface ReadError {
  /** The target's own code, or `http_<status>` when it gives none. */
  error: string;
  message: string;
  details: { path: string; message: string }[];
}

const LOCATIONS = new Set(['body', 'query', 'path', 'header', 'cookie']);

/** A pydantic `loc` as a dotted field path: ['body','tags',0] → 'tags.0'; ['body'] → 'body'. */
export function locToPath(loc: unknown): string {
  if (!Array.isArray(loc)) return typeof loc === 'string' ? loc : '';
  const parts = loc.map(String);
  if (parts.length > 1 && LOCATIONS.has(parts[0]!)) parts.shift();
  return parts.join('.');
}

function fromIssues(list: unknown[]): { path: string; message: string }[] {
  return list.flatMap((d) => {
    if (!d || typeof d !== 'object') return [];
    const o = d as Record<string, unknown>;
    if (typeof o.path === 'string') return [{ path: o.path, message: String(o.message ?? '') }];
    if ('loc' in o) return [{ path: locToPath(o.loc), message: String(o.msg ?? o.message ?? '') }];
    return [];
  });
}

export function readError(status: number, body: unknown): ReadError {
  const fallback = `http_${status}`;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { error: fallback, message: typeof body === 'string' ? body : JSON.stringify(body), details: [] };
  }
  const o = body as Record<string, unknown>;
  if ('detail' in o) {
    const d = o.detail;
    if (Array.isArray(d)) return { error: 'validation_error', message: 'request validation failed', details: fromIssues(d) };
    return { error: fallback, message: typeof d === 'string' ? d : JSON.stringify(d), details: [] };
  }
  const code = typeof o.error === 'string' ? o.error : typeof o.error_code === 'string' ? o.error_code.toLowerCase() : fallback;
  const message = typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : JSON.stringify(o);
  const details = Array.isArray(o.details) ? fromIssues(o.details) : [];
  return { error: code, message, details };
}
