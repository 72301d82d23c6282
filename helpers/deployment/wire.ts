import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The suite's side of the wire to a target: the target's extra headers on every request, 429 answers
 * waited out (bounded, and counted for the verdict), and a journal of the exchanges of the running test,
 * so a failure can be shown as the commands that replay it. Every exchange has a number; a failure
 * message that names one (`[exchange #12: …]`, see `exchangeTag`) is shown in the verdict with exactly
 * that exchange, not merely the test's last ones.
 */
export interface Exchange {
  /** Unique within the worker's run: what a failure message names. */
  id: number;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseBody: string;
}

export interface RateLimitWaits {
  count: number;
  totalMs: number;
}

const MAX_JOURNAL = 40;
const BODY_LIMIT = 4000;
let nextId = 1;
let journal: Exchange[] = [];
/** Exchanges a failure message may name (tagged by `exchangeTag`): kept past the journal's window. */
let named = new Map<number, Exchange>();
const waits: RateLimitWaits = { count: 0, totalMs: 0 };

/** The exchanges since the last reset (the running test's), oldest first, and those a message named. */
export function takeJournal(): { exchanges: Exchange[]; named: Exchange[]; rateLimited: RateLimitWaits } {
  const out = { exchanges: journal, named: [...named.values()], rateLimited: { ...waits } };
  journal = [];
  named = new Map();
  waits.count = 0;
  waits.totalMs = 0;
  return out;
}

/** The exchange ids recorded while a piece of code runs (one request: its attempts, the last is the answer). */
const capture = new AsyncLocalStorage<number[]>();

export async function capturing<T>(fn: () => Promise<T>): Promise<{ value: T; ids: number[] }> {
  const ids: number[] = [];
  const value = await capture.run(ids, fn);
  return { value, ids };
}

export function record(e: Omit<Exchange, 'id'>): number {
  const id = nextId++;
  journal.push({ ...e, id, requestBody: e.requestBody?.slice(0, BODY_LIMIT), responseBody: e.responseBody.slice(0, BODY_LIMIT) });
  if (journal.length > MAX_JOURNAL) journal.shift();
  capture.getStore()?.push(id);
  return id;
}

/** The most recent exchange of the running test that matches, if the journal still holds it. */
export function lastExchange(match: (e: Exchange) => boolean = () => true): Exchange | undefined {
  return journal.findLast(match);
}

/**
 * The words a failure message names an exchange with, `[exchange #12: POST /api/v1/topics/ → 200]`; the
 * exchange is kept for the verdict. An unknown id (the journal was reset since) is said to be so.
 */
export function exchangeTag(id: number): string {
  const e = named.get(id) ?? journal.find((x) => x.id === id);
  if (!e) return `[exchange #${id}: no longer in the journal]`;
  named.set(id, e);
  return `[exchange #${id}: ${e.method} ${pathOf(e.url)} → ${e.status}]`;
}

/** The exchange ids a text names, in order of appearance. */
export function namedExchangeIds(text: string): number[] {
  return [...text.matchAll(/\[exchange #(\d+)[:\]]/g)].map((m) => Number(m[1]));
}

const pathOf = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
};

/** Answers (reply objects, parsed bodies) by the exchange that brought them, so `about(body)` can name it. */
const sources = new WeakMap<object, number>();

export function tagSource(value: unknown, id: number | undefined): void {
  if (id !== undefined && value !== null && typeof value === 'object' && !sources.has(value)) sources.set(value, id);
}

export function sourceOf(value: unknown): number | undefined {
  return value !== null && typeof value === 'object' ? sources.get(value) : undefined;
}

/** The longest single wait and the most waits per request: a limiter that never lets up fails the test. */
export const RATE_LIMIT = { maxWaitMs: 65_000, maxRetries: 3 };
/** Each attempt's own deadline: a wait for Retry-After is not charged to the request it delays. */
export const ATTEMPT_TIMEOUT_MS = 30_000;

/** Seconds or an HTTP date, as RFC 9110 allows; unparseable → null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export type HeaderSource = (req: { method: string; url: string }) => Record<string, string> | Promise<Record<string, string>>;

/**
 * A fetch for talking to the target: adds the target's headers, records every exchange, and waits out a
 * 429 that says how long (Retry-After) up to RATE_LIMIT; a 429 without it, or past the bounds, is returned.
 */
export function targetFetch(headers?: HeaderSource, base: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const merged = new Headers(init.headers);
    for (const [k, v] of Object.entries((await headers?.({ method, url })) ?? {})) merged.set(k, v);
    const body = typeof init.body === 'string' ? init.body : undefined;
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(ATTEMPT_TIMEOUT_MS);
      const res = await base(input, {
        ...init,
        headers: merged,
        signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      }).catch((err: unknown) => {
        if (timeout.aborted) throw new Error(`no answer within ${ATTEMPT_TIMEOUT_MS} ms (attempt ${attempt + 1})`, { cause: err });
        throw err;
      });
      const text = await res.clone().text();
      record({
        method,
        url,
        requestHeaders: Object.fromEntries(merged),
        ...(body !== undefined && { requestBody: body }),
        status: res.status,
        responseBody: text,
      });
      if (res.status !== 429 || attempt >= RATE_LIMIT.maxRetries) return res;
      const ms = retryAfterMs(res.headers.get('retry-after'));
      if (ms === null || ms > RATE_LIMIT.maxWaitMs) return res;
      waits.count++;
      waits.totalMs += ms;
      await new Promise((r) => setTimeout(r, ms + 250));
    }
  };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One exchange as a curl command that replays it, with the answer it got underneath. */
export function asCurl(e: Omit<Exchange, 'id'>): string {
  const parts = ['curl -sS -i', '-X', e.method, shellQuote(e.url)];
  for (const [k, v] of Object.entries(e.requestHeaders)) {
    if (/^(content-length|host|connection|accept-encoding)$/i.test(k)) continue;
    parts.push('-H', shellQuote(`${k}: ${/authorization/i.test(k) ? '<redacted>' : v}`));
  }
  if (e.requestBody !== undefined) parts.push('--data-raw', shellQuote(e.requestBody));
  return parts.join(' ');
}
