import { BackendProcess } from '../backend.js';

/**
 * A parent process that starts a backend, prints the child's pid, and on SIGUSR2 goes away in the way
 * named by argv[2] without stopping its child: 'exit' (process.exit) or 'throw' (uncaught error). Any
 * other mode just waits for the test to SIGTERM or SIGKILL it. Only 'watched' preloads the child's parent
 * watcher, so every other mode proves the parent's own cleanup.
 */
const mode = process.argv[2] ?? 'wait';
const entry = process.argv[3];
const backend = await BackendProcess.start({ env: {}, watchParent: mode === 'watched', ...(entry ? { entry } : {}) });

process.on('SIGUSR2', () => {
  if (mode === 'exit') process.exit(0);
  if (mode === 'throw') throw new Error('parent crashed on purpose');
});
// Printed only now: the test may signal as soon as it reads this line.
process.stdout.write(`${JSON.stringify({ childPid: backend.pid, port: backend.port })}\n`);
setInterval(() => undefined, 60_000);
