/**
 * Last-resort cleanup of the processes this process started. Graceful stops are the callers' job; this
 * only makes sure that a parent that goes away (normal exit, uncaught error, SIGINT/SIGTERM/SIGHUP, a
 * Ctrl-C of a test run) leaves no PostgreSQL or backend behind. Only 'exit' is guaranteed, and it runs
 * no asynchronous code, so every reaper sends its signal synchronously and returns.
 */
type Reaper = () => void;

const reapers = new Map<symbol, Reaper>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function reapAll(): void {
  for (const reap of reapers.values()) {
    try {
      reap();
    } catch {
      // Best effort: one child that is already gone must not stop the others from being reaped.
    }
  }
  reapers.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  // Another listener (npm start's graceful path, a test runner) owns shutdown: let it stop the children
  // in order; if it exits instead, the 'exit' reaper still runs.
  if (process.listenerCount(sig) > 1) return;
  reapAll();
  uninstall();
  // Our listener suppressed the default action; re-raise so the process still dies of this signal.
  process.kill(process.pid, sig);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', reapAll);
  for (const sig of SIGNALS) process.on(sig, onSignal);
  // In a forked worker (vitest's forks pool), a closed IPC channel means the runner is gone: a runner
  // killed by SIGTERM leaves its worker running to the end of the file, with our children behind it.
  if (process.channel) process.on('disconnect', reapAll);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', reapAll);
  for (const sig of SIGNALS) process.off(sig, onSignal);
  process.off('disconnect', reapAll);
}

/** Registers a synchronous last-resort stop; call the returned function once the child is gone. */
export function trackChild(reap: Reaper): () => void {
  const key = Symbol('child');
  reapers.set(key, reap);
  install();
  return () => {
    reapers.delete(key);
    // Without children, leave the process's signal behaviour exactly as it was.
    if (reapers.size === 0) uninstall();
  };
}

export function trackedChildCount(): number {
  return reapers.size;
}
