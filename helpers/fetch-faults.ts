/**
 * Faults at the fetch boundary between the population and the real app. Each wraps a fetch and
 * returns one; they compose (`slow(refusedFirst(app.fetch, 1), 50)`).
 */
export interface Sent {
  method: string;
  /** The path below /api/v1, e.g. `/chat/message`. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: Record<string, unknown> | undefined;
}
export type Match = (r: Sent) => boolean;

export const posts =
  (path: string): Match =>
  (r) =>
    r.method === 'POST' && r.path === path;

function sent(input: Parameters<typeof fetch>[0], init?: RequestInit): Sent {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return {
    method: init?.method ?? 'GET',
    path: url.pathname.replace(/^.*\/api\/v1/, ''),
    query: url.searchParams,
    headers: new Headers(init?.headers),
    body: typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined,
  };
}

const networkError = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

/** Records every request (after the faults inside it have let it through). */
export function recording(inner: typeof fetch): { fetch: typeof fetch; requests: Sent[]; writes(): Sent[] } {
  const requests: Sent[] = [];
  return {
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    fetch: (input, init) => {
      requests.push(sent(input, init));
      return inner(input, init);
    },
  };
}

/** Nothing listens: every request is refused. */
export const refused: typeof fetch = async () => {
  throw networkError('ECONNREFUSED');
};

/** The first `times` matching requests get a 503 envelope (nothing written) or no answer at all. */
export function failFirst(inner: typeof fetch, times: number, match: Match, how: 503 | 'refused' = 503): typeof fetch {
  let left = times;
  return async (input, init) => {
    if (left <= 0 || !match(sent(input, init))) return inner(input, init);
    left--;
    if (how === 'refused') throw networkError('ECONNREFUSED');
    const body = { error: 'database_unavailable', message: 'The database is unavailable; nothing was written', details: [] };
    return new Response(JSON.stringify(body), { status: 503, headers: { 'content-type': 'application/json' } });
  };
}

/** The first `times` matching requests reach the app and are written, but their answer is lost (a reset). */
export function answerLost(inner: typeof fetch, times: number, match: Match): typeof fetch {
  let left = times;
  return async (input, init) => {
    if (left <= 0 || !match(sent(input, init))) return inner(input, init);
    left--;
    await (await inner(input, init)).text();
    throw networkError('ECONNRESET');
  };
}

/** Matching requests wait `ms` before they are sent, giving up when the caller's signal aborts. */
export function slow(inner: typeof fetch, ms: number, match: Match = () => true): typeof fetch {
  return async (input, init) => {
    if (match(sent(input, init)))
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        init?.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(init.signal!.reason);
        });
      });
    return inner(input, init);
  };
}

/** Matching requests are sent with their JSON body changed: the app's own answer to that comes back. */
export function alterBody(inner: typeof fetch, match: Match, change: (body: Record<string, unknown>) => unknown): typeof fetch {
  return (input, init) => {
    const r = sent(input, init);
    if (!match(r) || !r.body) return inner(input, init);
    return inner(input, { ...init, body: JSON.stringify(change(r.body)) });
  };
}

/** Matching answers come back changed (a lying backend: a success whose content differs from what it stored). */
export function alterAnswer(inner: typeof fetch, match: Match, change: (json: Record<string, unknown>) => unknown): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (!match(sent(input, init))) return res;
    const json = (await res.json()) as Record<string, unknown>;
    return new Response(JSON.stringify(change(json)), { status: res.status, headers: res.headers });
  };
}
