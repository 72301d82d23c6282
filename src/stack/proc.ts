import { readdirSync, readFileSync } from 'node:fs';
import { waitFor } from './poll.js';

const hasProc = process.platform === 'linux';

/** Fields of /proc/<pid>/stat after the command name, which may itself contain spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Whether a process still exists. A zombie answers kill(pid, 0) but is gone for every purpose here, and
 * an orphaned postmaster may be reparented to an init that is slow (or never) to reap it.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!hasProc) return true;
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

export function parentPid(pid: number): number | undefined {
  const ppid = Number(statFields(pid)?.[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** Direct children of a process (Linux only; elsewhere an empty list). */
export function childPids(pid: number): number[] {
  if (!hasProc) return [];
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (parentPid(Number(entry)) === pid) children.push(Number(entry));
  }
  return children;
}

export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

export function waitForGone(pids: number[], timeoutMs: number): Promise<boolean> {
  return waitFor(() => pids.every((pid) => !isAlive(pid)), { timeoutMs, intervalMs: 20 });
}
