import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startOllamaStub } from '../fixtures/ollama/http-stub.js';
import { ApiClient } from '../helpers/api.js';
import { ALL_FAULTS, type FaultRecord, injectFault, schedule } from '../helpers/fault-schedule.js';
import { tagBackend } from '../helpers/pg-faults.js';
import { check, observe } from '../helpers/history.js';
import { Load } from '../helpers/load.js';
import { PgProxy } from '../helpers/pg-proxy.js';
import { createDb } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { BackendProcess } from '../src/stack/backend.js';
import { buildBackendBundle } from '../src/stack/bundle.js';
import { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import { benchDir, machine, median, ms, printTable, round, writeJson } from './common.js';

// Faults under load, end to end (figures, never assertions): the bundled backend as a process on its own
// PostgreSQL behind the TCP fault proxy, 8 idempotent writers, every fault of helpers/fault-schedule.ts
// BENCH_FAULT_ROUNDS times (default 2, seeded by BENCH_SEED), then the history checker; afterwards RSS of the
// backend across 20,000 requests with varied (valid and hostile) input. `node --import tsx bench/under-faults.ts` (`npm run bench:faults`).
const SEED = Number(process.env.BENCH_SEED ?? 20_261_130);
const ROUNDS = Number(process.env.BENCH_FAULT_ROUNDS ?? 2);
const HOLD_MS = Number(process.env.BENCH_FAULT_HOLD_MS ?? 500);
const VARIED_REQUESTS = Number(process.env.BENCH_VARIED_REQUESTS ?? 20_000);

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return round(Number(line?.split(/\s+/)[1] ?? 0) / 1024, 1);
}

/** Requests a fuzzer would send: case variants of zones, NUL, lone surrogates, deep nesting, big numbers, bad dates. */
function variedRequest(i: number, userId: string): { method: string; path: string; body?: string } {
  const zones = ['America/Argentina/ComodRivadavia', 'Europe/Berlin', 'Pacific/Kiritimati', 'America/Los_Angeles'];
  const zone = zones[i % zones.length]!;
  const caseVariant = [...zone].map((c, k) => ((i >> (k % 20)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const hostile = ['\u0000', '\ud800', 'x'.repeat(3000), '😀'.repeat(50), '__proto__', '2026-02-30T10:00:00Z', '1e400'];
  switch (i % 8) {
    case 0:
      return { method: 'GET', path: `/entries/analytics/mood?user_id=${userId}&days=7&tz=${encodeURIComponent(caseVariant)}` };
    case 1:
      return { method: 'GET', path: `/entries/analytics/writing?user_id=${userId}&days=${7 + (i % 359)}&tz=${encodeURIComponent(zone)}` };
    case 2:
      return {
        method: 'POST',
        path: '/entries/',
        body: JSON.stringify({ user_id: userId, title: `t${i}`, content: `varied ${i} ${randomBytes(6).toString('hex')}` }),
      };
    case 3:
      return {
        method: 'POST',
        path: '/entries/',
        body: JSON.stringify({ user_id: userId, title: hostile[i % hostile.length], content: 'x' }),
      };
    case 4:
      return {
        method: 'POST',
        path: '/topics/',
        body: `{"user_id":"${userId}","name":"n","description":null,"tags":[],"color":"#000000","x":${nested(10 + (i % 5000))}}`,
      };
    case 5:
      return { method: 'GET', path: `/entries/?user_id=${userId}&limit=${(i % 1200) - 100}` };
    case 6:
      return { method: 'POST', path: '/users/', body: JSON.stringify({ username: `u${i}`, timezone: caseVariant }) };
    default:
      return { method: 'GET', path: `/entries/${randomBytes(16).toString('hex')}?user_id=${userId}` };
  }
}

async function main() {
  const started = performance.now();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'journal-bench-faults-'));
  const bundleDir = await mkdtemp(path.join(os.tmpdir(), 'journal-bench-bundle-'));
  const pg = await EmbeddedPostgresServer.start({ dataDir, persistent: true, durable: false });
  const ollama = await startOllamaStub();
  let backend: BackendProcess | undefined;
  let proxy: PgProxy | undefined;
  try {
    await pg.createDatabase('journal');
    const url = pg.adminUrl('journal');
    const admin = createDb(url, { max: 2 });
    await migrateToLatest(admin.db);
    proxy = await PgProxy.forUrl(url);
    const { entry } = await buildBackendBundle(bundleDir);
    backend = await BackendProcess.start({
      entry,
      env: {
        DATABASE_URL: tagBackend(proxy.url(url)),
        OLLAMA_HOST: ollama.url,
        SKIP_MIGRATIONS: '1',
        DB_ACQUIRE_TIMEOUT_MS: '1000',
        DB_STATEMENT_TIMEOUT_MS: '1000',
        DB_QUERY_TIMEOUT_MS: '1500',
        OLLAMA_TIMEOUT_MS: '1500',
      },
    });
    const api = new ApiClient(`${backend.url}`);
    const users = [];
    for (let i = 0; i < 9; i++) users.push(await api.ok('createUser', { body: { username: `bench-${i}` } }, 201));
    const [probe, ...writers] = users;
    const load = new Load(api, writers, { seed: SEED }).start();
    const target = { api, backend, postgres: pg, proxy, db: admin.db, probeUserId: probe!.id };
    const records: FaultRecord[] = [];
    let survived = 0;
    const order = schedule(SEED, ALL_FAULTS, ROUNDS);
    for (const fault of order) {
      const before = load.acknowledged();
      while (load.acknowledged() < before + 5) await new Promise((r) => setTimeout(r, 5));
      try {
        records.push(await injectFault(target, fault, HOLD_MS));
        survived++;
      } catch (err) {
        console.error(`${fault}: not recovered: ${(err as Error).message}`);
      }
      process.stdout.write(`  ${fault.padEnd(13)} recovered in ${ms(records.at(-1)?.recoveryMs ?? Number.NaN)}\n`);
    }
    await load.stop();
    await load.resolve(30_000);
    const observed = await Promise.all(load.users.map((id, i) => observe(api, i, id)));
    const problems = check(load.history, observed);
    const attempts = load.history.ops.flatMap((o) => o.attempts);
    const statuses = attempts.map((a) => a.status);
    const lost = problems.filter((p) => /acknowledged \w+ present 0 times|never resolved/.test(p)).length;
    const duplicates = problems.filter((p) => /present [2-9]\d* times/.test(p)).length;
    const untrue = problems.filter((p) => /written although/.test(p)).length;

    // RSS across varied input: the backend process's resident set before and after.
    const rssBefore = rssMb(backend.pid);
    let fiveHundreds = 0;
    let sent = 0;
    const base = `${backend.url}/api/v1`;
    const variedStarted = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        for (let i = w; i < VARIED_REQUESTS; i += 16) {
          const r = variedRequest(i, probe!.id);
          const res = await fetch(`${base}${r.path}`, {
            method: r.method,
            headers: r.body ? { 'content-type': 'application/json' } : {},
            ...(r.body && { body: r.body }),
          }).catch(() => null);
          sent++;
          if (!res || res.status >= 500) fiveHundreds++;
          await res?.arrayBuffer().catch(() => undefined);
        }
      }),
    );
    const variedMs = performance.now() - variedStarted;
    const rssAfter = rssMb(backend.pid);

    const recovery = records.map((r) => r.recoveryMs);
    const byFault = ALL_FAULTS.map((f) => {
      const rs = records.filter((r) => r.fault === f).map((r) => r.recoveryMs);
      return {
        metric: `recovery after ${f}`,
        value: rs.length ? `${ms(median(rs))} (max ${ms(Math.max(...rs))})` : 'n/a',
        target: '<= 2 s',
        met: rs.length ? Math.max(...rs) <= 2_000 : undefined,
      };
    });
    const rows = [
      { metric: 'requests sent (writers, all attempts)', value: String(attempts.length) },
      { metric: 'answers 503 to writers', value: String(statuses.filter((s) => s === 503).length) },
      {
        metric: 'answers 5xx other than 503 (and other violations)',
        value: String(load.history.violations.length),
        target: '0',
        met: load.history.violations.length === 0,
      },
      {
        metric: 'outcomes: ok / failed (denied) / unknown',
        value: `${load.history.count('ok')} / ${load.history.count('failed')} / ${load.history.count('unknown')}`,
      },
      { metric: 'faults injected / survived', value: `${order.length} / ${survived}`, target: 'all', met: survived === order.length },
      { metric: 'acknowledged writes lost', value: String(lost), target: '0', met: lost === 0 },
      { metric: 'duplicates', value: String(duplicates), target: '0', met: duplicates === 0 },
      { metric: 'denied writes found stored', value: String(untrue), target: '0', met: untrue === 0 },
      {
        metric: 'other history problems',
        value: String(problems.length - lost - duplicates - untrue),
        target: '0',
        met: problems.length === lost + duplicates + untrue,
      },
      {
        metric: 'recovery after a fault (median / max)',
        value: `${ms(median(recovery))} / ${ms(Math.max(...recovery))}`,
        target: '<= 2 s',
        met: Math.max(...recovery) <= 2_000,
      },
      ...byFault,
      { metric: `varied requests sent (16 concurrent)`, value: `${sent} in ${ms(variedMs)}` },
      { metric: 'varied requests answered 5xx or not at all', value: String(fiveHundreds), target: '0', met: fiveHundreds === 0 },
      {
        metric: 'backend RSS before / after varied requests',
        value: `${rssBefore} / ${rssAfter} MB`,
        target: 'bounded',
        note: `+${round(rssAfter - rssBefore, 1)} MB`,
      },
    ];
    printTable(`Faults under load (seed ${SEED}, ${ROUNDS} round(s) of ${ALL_FAULTS.length} faults, hold ${HOLD_MS} ms)`, rows);
    for (const p of problems.slice(0, 20)) console.log(`  problem: ${p}`);
    await writeJson(path.join(benchDir, 'faults-results.json'), {
      machine: machine(),
      seed: SEED,
      rounds: ROUNDS,
      hold_ms: HOLD_MS,
      total_ms: Math.round(performance.now() - started),
      faults: records,
      rows,
      problems,
    });
    await admin.close();
  } finally {
    await backend?.stop().catch(() => undefined);
    await proxy?.close().catch(() => undefined);
    await ollama.close().catch(() => undefined);
    await pg.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    await rm(bundleDir, { recursive: true, force: true });
  }
}

await main();
