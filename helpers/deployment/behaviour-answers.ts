import { readError } from './error-reader.js';
import type { TargetDocument } from './target-document.js';

/** How an answer was read: the shape of the client's AnswerPolicy reading (src/contract/client.ts). */
export type BehaviourReading = { kind: 'success' | 'error'; body: unknown; raw: unknown } | { kind: 'violation'; message: string };

/**
 * How the behaviour level reads an answer. Success is any 2xx the target's own document declares for the
 * route (any 2xx where it serves none or leaves the route out), and the body must meet the document's
 * schema for it; errors are read tolerantly (error-reader.ts); a 5xx other than 503 is a defect, shown
 * with its body; anything else (a redirect, say) is a violation.
 */
export function readBehaviour(
  doc: TargetDocument | null,
  route: { method: string; path: string; operationId: string; success?: Readonly<Record<number, unknown>> },
  status: number,
  contentType: string,
  text: string,
): BehaviourReading {
  let value: unknown = text === '' ? null : text;
  if (text !== '' && contentType.includes('json')) {
    try {
      value = JSON.parse(text);
    } catch {
      return { kind: 'violation', message: `${status}: declares JSON but the body is not: ${text.slice(0, 300)}` };
    }
  }
  const op = doc?.operation(route.method, route.path);
  // A status our contract answers with a body of the route's own shape (readiness and chat health: 503
  // while the database is down) is read as that answer, not as an error envelope.
  const answersWithBody = route.success !== undefined && status in route.success;
  if ((status >= 200 && status < 300) || answersWithBody) {
    if (op) {
      const declared = doc!.declaredSuccess(op);
      if (declared.length && !declared.includes(status) && !answersWithBody)
        return {
          kind: 'violation',
          message: `answered ${status}; the target's own document declares ${declared.join('|')} for ${op.path}`,
        };
      const problems = doc!.check(op, status, value);
      if (problems.length)
        return {
          kind: 'violation',
          message: `${status}: the body does not meet the target's own schema for ${route.method} ${op.path}: ${problems.join('; ')}\nbody: ${text.slice(0, 600)}`,
        };
    }
    return { kind: 'success', body: value, raw: value };
  }
  if (status >= 500 && status !== 503) return { kind: 'violation', message: `answered ${status}: ${text.slice(0, 600)}` };
  if (status >= 400) return { kind: 'error', body: readError(status, value), raw: value };
  return { kind: 'violation', message: `answered ${status}: ${text.slice(0, 300)}` };
}
