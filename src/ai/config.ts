export interface AiConfig {
  host: string;
  chatModel: string;
  emotionModel: string;
  timeoutMs: number;
  probeTimeoutMs: number;
  probeCacheMs: number;
  breaker: { failureThreshold: number; cooldownMs: number };
}

const DEFAULT_HOST = 'http://127.0.0.1:11434';
const DEFAULT_CHAT_MODEL = 'llama3.2';

/**
 * Reads the Ollama settings once at startup. A bad value fails loudly here, naming the variable,
 * instead of surfacing later as a NaN timeout that aborts every call.
 */
export function aiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AiConfig {
  const chatModel = text(env, 'OLLAMA_CHAT_MODEL') ?? DEFAULT_CHAT_MODEL;
  return {
    host: parseHost(text(env, 'OLLAMA_HOST') ?? DEFAULT_HOST),
    chatModel,
    emotionModel: text(env, 'OLLAMA_EMOTION_MODEL') ?? chatModel,
    timeoutMs: integer(env, 'OLLAMA_TIMEOUT_MS', 20_000, 1),
    probeTimeoutMs: integer(env, 'OLLAMA_PROBE_TIMEOUT_MS', 1_000, 1),
    probeCacheMs: integer(env, 'OLLAMA_PROBE_CACHE_MS', 3_000, 0),
    breaker: {
      failureThreshold: integer(env, 'OLLAMA_BREAKER_THRESHOLD', 3, 1),
      cooldownMs: integer(env, 'OLLAMA_BREAKER_COOLDOWN_MS', 10_000, 0),
    },
  };
}

// Container environments often pass declared-but-empty variables; those mean "use the default".
function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

// Ollama's own CLI accepts OLLAMA_HOST=host:port, so operators copy that form; URL() would read
// "host:" as a scheme, hence the prefix before parsing.
function parseHost(raw: string): string {
  const withScheme = raw.includes('://') ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`OLLAMA_HOST must be a URL or host:port, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`OLLAMA_HOST must use http or https, got "${raw}"`);
  }
  return withScheme.replace(/\/+$/, '');
}
