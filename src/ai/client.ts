import { Ollama } from 'ollama';

/**
 * The one place an Ollama client is built. The client captures `fetch` when constructed, so the
 * wrapper looks up `globalThis.fetch` on every call: msw (and anything else that patches fetch
 * after startup) then sees the traffic. The client also never times out on its own, and passes no
 * signal for non-streaming calls, so the deadline is attached here (for a stream it bounds the whole
 * stream, not the gap between parts).
 */
export function createOllamaClient(host: string, timeoutMs: number): Ollama {
  const timedFetch: typeof fetch = (input, init = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return globalThis.fetch(input, { ...init, signal });
  };
  return new Ollama({ host, fetch: timedFetch });
}
