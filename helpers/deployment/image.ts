import { SUITE_LABEL } from '../container-backend.js';

/**
 * A target given as a container image (JOURNAL_TARGET_IMAGE): Testcontainers starts it for the run and the
 * suite judges it like any URL. The image must serve the API on JOURNAL_TARGET_PORT (default 8000) and
 * answer JOURNAL_TARGET_HEALTH (default /health) with a 2xx once ready; JOURNAL_TARGET_ENV passes its
 * environment as `KEY=value` lines (a database URL, say).
 */
export interface StartedImage {
  apiUrl: string;
  stop(): Promise<void>;
}

export function parseEnvLines(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export async function startTargetImage(env: NodeJS.ProcessEnv): Promise<StartedImage> {
  const image = env.JOURNAL_TARGET_IMAGE!;
  const port = Number(env.JOURNAL_TARGET_PORT ?? 8000);
  const health = env.JOURNAL_TARGET_HEALTH ?? '/health';
  const { GenericContainer, Wait } = await import('testcontainers');
  const started = performance.now();
  const container = await new GenericContainer(image)
    .withExposedPorts(port)
    .withEnvironment(parseEnvLines(env.JOURNAL_TARGET_ENV))
    .withLabels({ [SUITE_LABEL]: 'target' })
    .withWaitStrategy(Wait.forHttp(health, port).forStatusCodeMatching((s) => s >= 200 && s < 300))
    .withStartupTimeout(Number(env.JOURNAL_TARGET_STARTUP_MS ?? 180_000))
    .start();
  const apiUrl = `http://${container.getHost()}:${container.getMappedPort(port)}`;
  console.log(`[journal-suite] target image ${image} serving at ${apiUrl} after ${Math.round(performance.now() - started)} ms`);
  return { apiUrl, stop: async () => void (await container.stop()) };
}
