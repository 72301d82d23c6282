import { bootStack, optionsFromEnv, type Stack } from './boot.js';
import { DEFAULT_OLLAMA_HOST, probeOllama } from './ollama-probe.js';
import { summaryLines } from './summary.js';
import { policyFromEnv, supervise } from './supervise.js';

// The composition root: the one place the stack (the ground floor) meets the population (the top floor),
// whose seed scenario runs once the API is healthy.
import { afterBoot } from '../populate/seed-hook.js';

// `npm start`: the whole system on this machine until Ctrl-C / SIGTERM. Data persists in .journal/pg;
// a previous run killed hard is recovered by EmbeddedPostgresServer's stale-server detection.
const opts = optionsFromEnv(process.env);
const policy = policyFromEnv(process.env);
let stack: Stack | undefined;
let stopping: Promise<void> | undefined;
let supervisor: { stop(): void } | undefined;

async function shutdown(reason: string, code: number): Promise<never> {
  stopping ??= (async () => {
    supervisor?.stop();
    console.log(`\n${reason}: stopping the API, then PostgreSQL…`);
    if (stack) {
      const exit = await stack.stop();
      const api = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
      console.log(`Stopped cleanly: API (${api}), PostgreSQL (data kept in ${stack.pg.dataDir}).`);
    }
  })();
  await stopping;
  process.exit(code);
}

function onSignal(signal: NodeJS.Signals): void {
  // A second Ctrl-C means "now": exiting runs the synchronous child reaper of children.ts.
  if (stopping || !stack) process.exit(130);
  void shutdown(signal, 0);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  stack = await bootStack({
    ...opts,
    onBackendOutput: (line) => {
      if (!line.startsWith('{"event":')) console.log(`[api] ${line}`);
    },
  });
} catch (err) {
  console.error(`Could not start the journal stack: ${(err as Error).message}`);
  process.exit(1);
}

const probe = await probeOllama(opts.ollamaHost ?? DEFAULT_OLLAMA_HOST, 1_000);
for (const line of summaryLines(stack, probe)) console.log(line);

// A crashed API is started again on the same port with PostgreSQL kept running; only a crash loop ends
// npm start, with the API's last words printed.
const running = stack;
supervisor = supervise(running.backend, policyFromEnv(process.env), {
  onCrash(exit, decision) {
    if (stopping) return;
    const how = exit.signal ? `signal ${exit.signal}` : exit.code === null ? 'failed to start' : `exit code ${exit.code}`;
    const next = decision.action === 'restart' ? `restarting in ${decision.delayMs} ms` : 'giving up';
    console.error(`API process exited unexpectedly (${how}); crash ${decision.crashes} in the last ${policy.windowMs / 1000} s, ${next}.`);
  },
  onRestarted(pid) {
    console.log(`API restarted (pid ${pid}) at ${running.apiUrl}; PostgreSQL kept running.`);
  },
  onGiveUp(_exit, crashes, lastError) {
    const output = running.backend.output().slice(-20);
    console.error(
      [
        `The API crashed ${crashes} times within ${policy.windowMs / 1000} s (limit ${policy.maxCrashes}): giving up.`,
        ...(lastError ? [`Last restart failed: ${(lastError as Error).message}`] : []),
        'Last API output:',
        ...output.map((l) => `  ${l}`),
      ].join('\n'),
    );
    void shutdown('API crash loop', 1);
  },
});

try {
  await afterBoot({ apiUrl: stack.apiUrl, modelReachable: probe.reachable && probe.models.length > 0 });
} catch (err) {
  console.error(`Seed hook failed (the stack keeps serving): ${(err as Error).stack ?? String(err)}`);
}
console.log('Serving. Press Ctrl-C to stop.');
