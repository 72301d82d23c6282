import { readFileSync } from 'node:fs';

/**
 * Preloaded into every backend child (`--import`). A parent killed with SIGKILL runs no cleanup, so the
 * child notices on its own that it was orphaned and shuts down gracefully instead of holding its port.
 * process.ppid is read once at startup in Node 20, so the live parent comes from /proc (or, elsewhere,
 * from whether the original parent still exists).
 */
const originalParent = process.ppid;

function currentParent(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function orphaned(): boolean {
  const parent = currentParent();
  if (parent !== undefined) return parent !== originalParent;
  try {
    process.kill(originalParent, 0);
    return false;
  } catch {
    return true;
  }
}

const timer = setInterval(() => {
  if (!orphaned()) return;
  clearInterval(timer);
  process.kill(process.pid, 'SIGTERM');
  // A child that ignores SIGTERM or hangs while closing must still go.
  setTimeout(() => process.exit(1), 5_000).unref();
}, 250);
timer.unref();
