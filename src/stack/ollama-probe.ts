export interface OllamaProbe {
  /** Normalised base URL that was asked. */
  host: string;
  /** Whether an Ollama server answered GET /api/tags. */
  reachable: boolean;
  /** Names of the models it has pulled (a server without models cannot answer either). */
  models: string[];
  error?: string;
}

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/**
 * OLLAMA_HOST as the ollama CLI reads it: without a scheme (`0.0.0.0`, `host:port`) the port defaults to
 * 11434; with a scheme, to that scheme's own default port.
 */
export function normaliseOllamaHost(host: string): string {
  const trimmed = host.trim();
  if (/^https?:\/\//.test(trimmed)) return new URL(trimmed).origin;
  const url = new URL(`http://${trimmed}`);
  if (!/:\d+\/?$/.test(trimmed)) url.port = '11434';
  return url.origin;
}

/** Asks Ollama for its models with a short timeout, so `npm start` can say up front which mode it runs in. */
export async function probeOllama(host = DEFAULT_OLLAMA_HOST, timeoutMs = 1_000): Promise<OllamaProbe> {
  const base = normaliseOllamaHost(host);
  try {
    const res = await fetch(`${base}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { host: base, reachable: false, models: [], error: `HTTP ${res.status}` };
    const body = (await res.json()) as { models?: Array<{ name?: unknown }> };
    const models = (body.models ?? []).map((m) => m.name).filter((n): n is string => typeof n === 'string');
    return { host: base, reachable: true, models };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const error = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? (err as Error).message);
    return { host: base, reachable: false, models: [], error };
  }
}
