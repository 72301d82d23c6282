import { startOllamaStub } from '../fixtures/ollama/http-stub.js';

// The msw Ollama stub in a process of its own, for bench/populate.ts: the load generator, the stub and the
// backend then each show up as their own process in the CPU accounting, and the stub's work does not
// slow down the event loop that sends the requests. Prints one JSON line with the URL; SIGTERM stops it.
const stub = await startOllamaStub();
process.stdout.write(`${JSON.stringify({ event: 'listening', url: stub.url })}\n`);

let closing = false;
async function close(): Promise<void> {
  if (closing) return;
  closing = true;
  await stub.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void close());
process.on('SIGINT', () => void close());
// The parent going away (its stdin pipe closes) stops the stub too.
process.stdin.on('end', () => void close());
process.stdin.resume();
