import http from 'node:http';
import { Readable } from 'node:stream';
import { Ollama } from 'ollama';

/** The runtime's own fetch, as it was when this module loaded (before any test could patch it). */
const builtinFetch = globalThis.fetch;

/**
 * The one place an Ollama client is built. The client captures `fetch` when constructed, so the
 * wrapper looks up `globalThis.fetch` on every call: msw (and anything else that patches fetch
 * after startup) then sees the traffic. The client also never times out on its own, and passes no
 * signal for non-streaming calls, so the deadline is attached here (for a stream it bounds the whole
 * stream, not the gap between parts).
 *
 * While fetch is the runtime's own, plain-HTTP calls go through node:http over kept-alive connections
 * instead (httpFetch): the WHATWG fetch machinery (request cloning, body teeing, web streams) cost about
 * a seventh of the backend's CPU per chat turn. The answer is the same Response either way.
 */
export function createOllamaClient(host: string, timeoutMs: number): Ollama {
  const timedFetch: typeof fetch = (input, init = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const current = globalThis.fetch;
    if (
      current === builtinFetch &&
      typeof input === 'string' &&
      input.startsWith('http://') &&
      (init.body === undefined || typeof init.body === 'string')
    ) {
      return httpFetch(input, init, signal);
    }
    return current(input, { ...init, signal });
  };
  return new Ollama({ host, fetch: timedFetch });
}

// Idle connections are dropped after 4 s (a server's Keep-Alive hint shortens that), as fetch does, so a
// connection the server has meanwhile closed is not reused.
const agent = new http.Agent({ keepAlive: true, timeout: 4_000 });

/**
 * What fetch would answer for a request with a string body (or none), over node:http. A JSON answer is
 * read whole before the Response is built; any other (Ollama's NDJSON streams) is passed on as it arrives.
 * An abort of `signal` fails the call, or the body while it is still arriving, with the signal's reason
 * as the cause (a TimeoutError for the deadline).
 */
function httpFetch(url: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of new Headers(init.headers).entries()) headers[name] = value;
    const body = init.body as string | undefined;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = http.request(url, { method: init.method, headers, agent, signal }, (res) => {
      const responseHeaders = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      const status = res.statusCode ?? 0;
      const statusText = res.statusMessage;
      const nullBody = status === 204 || status === 304 || init.method === 'HEAD';
      if (nullBody) {
        res.resume();
        resolve(new Response(null, { status, statusText, headers: responseHeaders }));
        return;
      }
      if (!responseHeaders.get('content-type')?.includes('application/json')) {
        resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, statusText, headers: responseHeaders }));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status, statusText, headers: responseHeaders })));
      // A body cut short (the server went away, or the signal aborted the request) fails the call. Node
      // reports it as an 'error' (ECONNRESET "aborted") before 'close'; the check on 'close' is the
      // backstop should a close ever come without one, so that the call cannot hang.
      res.on('error', (err) => reject(signal.aborted ? signal.reason : err));
      res.on('close', () => {
        if (!res.complete) reject(signal.aborted ? signal.reason : new Error('the response ended before its body was complete'));
      });
    });
    req.on('error', (err) => reject(signal.aborted ? signal.reason : err));
    req.end(body);
  });
}
