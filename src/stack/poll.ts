/**
 * Re-checks a condition until it holds or the deadline passes. Readiness is always observed, never
 * assumed after a fixed delay; the interval only bounds how often the check runs.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, opts: { timeoutMs: number; intervalMs?: number }): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 25;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Resolves after ms; for backoff between retries and for deadlines raced against an event, never for readiness. */
export function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}
