import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startOllamaStub, type OllamaStub } from '../fixtures/ollama/http-stub.js';
import { type Received, createClient } from '../src/contract/client.js';
import type { RouteId } from '../src/contract/routes.js';
import { createDb } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { BackendProcess } from '../src/stack/backend.js';
import { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import {
  benchDir,
  machine,
  median,
  ms,
  percentile,
  phase,
  printTable,
  repoRoot,
  round,
  timed,
  writeJson,
  type Row,
  backendEntry,
  intEnv,
  profileEnv,
} from './common.js';

// `npm run bench`: figures for the issue's targets, printed beside them and written to bench/results.json.
// Nothing here asserts: a missed target is reported, not failed. Everything runs in a temporary directory
// on loopback and is stopped at the end (or by the child reaper of src/stack/children.ts on Ctrl-C).
//
// Environment: BENCH_NPM_TEST=1 also times `npm test` (minutes); BENCH_USERS / BENCH_ENTRIES /
// BENCH_TARGET_ENTRIES / BENCH_REQUESTS shrink the analytics data set for a quick look;
// BENCH_PROFILE_DIR=/some/dir writes a CPU profile of the analytics backend there (bench/cpu-profile.mjs).

const TARGETS = { bootMs: 2_000, restartMs: 500, analyticsP95Ms: 25, npmTestMs: 30_000 } as const;
const CLONES = 10;
const RESTARTS = 5;
const USERS = intEnv('BENCH_USERS', 1_000);
const ENTRIES = intEnv('BENCH_ENTRIES', 1_000_000);
const TARGET_ENTRIES = intEnv('BENCH_TARGET_ENTRIES', 10_000);
const REQUESTS = intEnv('BENCH_REQUESTS', 200);
const WARMUP = 20;
const SEED = 0.42;

function backendEnv(databaseUrl: string, ollama: OllamaStub): Record<string, string> {
  // As the suite starts its backends (helpers/stack.ts): migrations done by the harness, the msw stub as model.
  return { DATABASE_URL: databaseUrl, OLLAMA_HOST: ollama.url, SKIP_MIGRATIONS: '1' };
}

async function migrate(url: string): Promise<void> {
  const handle = createDb(url, { max: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}

interface BootFigures {
  pg_init_ms: number;
  pg_start_ms: number;
  pg_ready_ms: number;
  migrations_ms: number;
  backend_healthy_ms: number;
  total_ms: number;
}

/** PostgreSQL ready → application database created and migrated → backend child healthy. */
async function bootOnce(pgServer: EmbeddedPostgresServer | undefined, dataDir: string, ollama: OllamaStub) {
  const started = performance.now();
  const server = pgServer ?? (await EmbeddedPostgresServer.start({ dataDir, persistent: false }));
  if (pgServer) await server.start();
  const pgReady = performance.now() - started;

  const t1 = performance.now();
  await server.ensureDatabase('journal');
  await migrate(server.adminUrl('journal'));
  const migrations = performance.now() - t1;

  const backend = await BackendProcess.start({ entry: await backendEntry(), env: backendEnv(server.adminUrl('journal'), ollama) });
  const total = performance.now() - started;
  const figures: BootFigures = {
    pg_init_ms: round(server.lastInitMs),
    pg_start_ms: round(server.lastStartMs),
    pg_ready_ms: round(pgReady),
    migrations_ms: round(migrations),
    backend_healthy_ms: round(backend.lastBootMs),
    total_ms: round(total),
  };
  return { server, backend, figures };
}

async function cloneDatabases(server: EmbeddedPostgresServer): Promise<number[]> {
  await server.createDatabase('bench_template');
  await migrate(server.adminUrl('bench_template'));
  const client = new pg.Client({ connectionString: server.adminUrl('postgres') });
  await client.connect();
  const times: number[] = [];
  try {
    for (let i = 0; i < CLONES; i++) {
      const { ms: t } = await timed(() => client.query(`CREATE DATABASE bench_clone_${i} TEMPLATE bench_template`));
      times.push(t);
      await client.query(`DROP DATABASE bench_clone_${i}`);
    }
  } finally {
    await client.end();
  }
  return times;
}

async function restarts(backend: BackendProcess, mode: 'graceful' | 'kill') {
  const total: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    await backend.restart(mode);
    total.push(backend.lastRestartMs);
    stop.push(backend.lastStopMs);
  }
  return { total, stop };
}

const userId = (i: number) => `md5('bench-user-' || ${i})::uuid`;

/**
 * USERS users and ENTRIES entries, TARGET_ENTRIES of them for user 1 and the rest spread evenly over the
 * others, created_at uniformly over the last 400 days, generated inside PostgreSQL (generate_series and
 * random() seeded with setseed: the same data every run) without a single row passing through the API.
 */
async function generateAnalyticsData(server: EmbeddedPostgresServer, database: string) {
  const client = new pg.Client({ connectionString: server.adminUrl(database) });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    await client.query('SELECT setseed($1)', [SEED]);
    const users = await timed(() =>
      client.query(`
        INSERT INTO users (id, username, display_name, timezone, language, created_at)
        SELECT md5('bench-user-' || i)::uuid, 'bench-' || i, NULL,
               (ARRAY['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Pacific/Kiritimati'])[1 + i % 4],
               CASE WHEN i % 3 = 0 THEN 'de' ELSE 'en' END, now() - interval '3 years'
        FROM generate_series(1, ${USERS}) AS i`),
    );
    const others = Math.max(1, USERS - 1);
    const entries = await timed(() =>
      client.query(`
        INSERT INTO entries (user_id, title, content, entry_type, language, created_at, updated_at,
                             word_count, reading_time_minutes, mood, sentiment_score)
        SELECT md5('bench-user-' || s.u)::uuid, 'Entry ' || s.g, 'Benchmark entry ' || s.g, 'journal',
               CASE WHEN s.u % 3 = 0 THEN 'de' ELSE 'en' END, s.at, s.at,
               s.words, greatest(1, ceil(s.words / 200.0))::int,
               CASE WHEN s.polarity >= 0.5 THEN 'very_positive' WHEN s.polarity >= 0.1 THEN 'positive'
                    WHEN s.polarity > -0.1 THEN 'neutral' WHEN s.polarity > -0.5 THEN 'negative'
                    ELSE 'very_negative' END,
               s.polarity
        FROM (
          SELECT g,
                 CASE WHEN g <= ${TARGET_ENTRIES} THEN 1 ELSE 2 + (g - ${TARGET_ENTRIES} - 1) % ${others} END AS u,
                 now() - random() * interval '400 days' AS at,
                 20 + floor(random() * 600)::int AS words,
                 round((random() * 2 - 1)::numeric, 3)::float8 AS polarity
          FROM generate_series(1, ${ENTRIES}) AS g
        ) AS s`),
    );
    const analyze = await timed(() => client.query('VACUUM (ANALYZE) entries, users'));
    const counts = await client.query<{ entries: number; users: number; target: number; size: string }>(`
      SELECT (SELECT count(*) FROM entries)::int AS entries, (SELECT count(*) FROM users)::int AS users,
             (SELECT count(*) FROM entries WHERE user_id = ${userId(1)})::int AS target,
             pg_size_pretty(pg_database_size(current_database())) AS size`);
    const target = await client.query<{ id: string }>(`SELECT ${userId(1)}::text AS id`);
    return {
      users_ms: round(users.ms),
      entries_ms: round(entries.ms),
      vacuum_analyze_ms: round(analyze.ms),
      counts: counts.rows[0]!,
      targetUser: target.rows[0]!.id,
    };
  } finally {
    await client.end();
  }
}

/** Wall time of `n` calls through the contract client, after a warm-up; every answer is parsed with its schema. */
async function latency<R extends RouteId>(call: () => Promise<Received<R>>, n: number) {
  const times: number[] = [];
  const statuses: Record<number, number> = {};
  let lastBody: unknown;
  for (let i = 0; i < WARMUP + n; i++) {
    const started = performance.now();
    const a = await call();
    const t = performance.now() - started;
    // No answer, or one off the contract, is counted as status 0: the figure is not met.
    const status = a.kind === 'success' || a.kind === 'error' ? a.status : 0;
    if (a.kind === 'success') lastBody = a.body;
    if (i >= WARMUP) {
      times.push(t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }
  return { times, statuses, lastBody };
}

async function npmTestWallTime(): Promise<{ ms: number; exitCode: number | null; log: string }> {
  const log = path.join(tmpdir(), `journal-bench-npm-test-${process.pid}.log`);
  const out = createWriteStream(log);
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn('npm', ['test'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  out.end();
  return { ms: performance.now() - started, exitCode, log };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { generated_at: new Date().toISOString(), machine: machine(), targets: TARGETS };
  const rows: Row[] = [];
  // The directory itself is the data directory: as root, PostgreSQL runs as `postgres` and could not
  // enter a subdirectory of a mode-700 mkdtemp directory.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'journal-bench-pg-'));
  const ollama = await startOllamaStub();
  let server: EmbeddedPostgresServer | undefined;
  const backends: BackendProcess[] = [];

  try {
    // (1) stack boot, cold (initdb) and warm (the same data directory again).
    phase('stack boot (cold: initdb + start, create + migrate, backend healthy)');
    const cold = await bootOnce(undefined, dataDir, ollama);
    server = cold.server;
    await cold.backend.stop();
    await server.stop({ keepData: true });
    phase('stack boot (warm: existing data directory)');
    const warm = await bootOnce(server, dataDir, ollama);
    const backend = warm.backend;
    backends.push(backend);
    results.boot = { cold: cold.figures, warm: warm.figures };
    for (const [name, f] of [
      ['cold (initdb)', cold.figures],
      ['warm (data dir exists)', warm.figures],
    ] as const) {
      rows.push({
        metric: `stack boot, ${name}`,
        value: ms(f.total_ms),
        target: `<= ${ms(TARGETS.bootMs)}`,
        met: f.total_ms <= TARGETS.bootMs,
        note: `PostgreSQL ready ${ms(f.pg_ready_ms)}${f.pg_init_ms ? ` (initdb ${ms(f.pg_init_ms)})` : ''}, migrations ${ms(f.migrations_ms)}, backend healthy ${ms(f.backend_healthy_ms)}`,
      });
    }

    // (2) per-file database clone.
    phase(`database clone x${CLONES}`);
    const clones = await cloneDatabases(server);
    results.clone = { runs_ms: clones.map((t) => round(t, 2)), median_ms: round(median(clones), 2) };
    rows.push({
      metric: `per-file database clone (median of ${CLONES})`,
      value: ms(median(clones)),
      note: 'CREATE DATABASE … TEMPLATE (migrated, empty)',
    });

    // (3) backend restart to healthy.
    phase(`backend restart x${RESTARTS} graceful, x${RESTARTS} SIGKILL`);
    const graceful = await restarts(backend, 'graceful');
    const killed = await restarts(backend, 'kill');
    results.restart = {
      graceful: {
        runs_ms: graceful.total.map((t) => round(t)),
        median_ms: round(median(graceful.total)),
        median_stop_ms: round(median(graceful.stop)),
      },
      sigkill: {
        runs_ms: killed.total.map((t) => round(t)),
        median_ms: round(median(killed.total)),
        median_stop_ms: round(median(killed.stop)),
      },
    };
    for (const [name, r] of [
      ['graceful (SIGTERM)', graceful],
      ['SIGKILL', killed],
    ] as const) {
      const m = median(r.total);
      rows.push({
        metric: `backend restart to healthy, ${name} (median of ${RESTARTS})`,
        value: ms(m),
        target: `<= ${ms(TARGETS.restartMs)}`,
        met: m <= TARGETS.restartMs,
        note: `stop ${ms(median(r.stop))}, boot to healthy ${ms(m - median(r.stop))}`,
      });
    }
    await backend.stop();
    backends.pop();

    // (4) analytics latency on a large database.
    phase(`analytics data: ${USERS} users, ${ENTRIES} entries (${TARGET_ENTRIES} for the measured user)`);
    await server.createDatabase('bench_analytics', 'bench_template');
    const data = await generateAnalyticsData(server, 'bench_analytics');
    rows.push({
      metric: 'analytics data generation (SQL, server-side)',
      value: ms(data.users_ms + data.entries_ms + data.vacuum_analyze_ms),
      note: `${data.counts.entries} entries / ${data.counts.users} users (incl. the seeded dev user), ${data.counts.target} for the measured user, ${data.counts.size}; insert ${ms(data.entries_ms)}, vacuum analyze ${ms(data.vacuum_analyze_ms)}`,
    });
    const analyticsBackend = await BackendProcess.start({
      entry: await backendEntry(),
      env: { ...backendEnv(server.adminUrl('bench_analytics'), ollama), ...profileEnv() },
    });
    backends.push(analyticsBackend);
    const analytics: Record<string, unknown> = {};
    for (const kind of ['mood', 'writing'] as const) {
      for (const days of [365, 30]) {
        phase(`GET /entries/analytics/${kind}?days=${days} x${REQUESTS}`);
        const client = createClient({ baseUrl: analyticsBackend.url });
        const route = kind === 'mood' ? 'moodAnalytics' : 'writingAnalytics';
        const r = await latency(() => client.call(route, { query: { user_id: data.targetUser, days } }), REQUESTS);
        const p50 = percentile(r.times, 50);
        const p95 = percentile(r.times, 95);
        const body = r.lastBody as { total_entries?: number; statistics?: { total_entries?: number } };
        const inWindow = body.total_entries ?? body.statistics?.total_entries;
        analytics[`${kind}_${days}d`] = {
          p50_ms: round(p50, 2),
          p95_ms: round(p95, 2),
          max_ms: round(Math.max(...r.times), 2),
          statuses: r.statuses,
          entries_in_window: inWindow ?? null,
        };
        const non200 = Object.entries(r.statuses).filter(([s]) => s !== '200');
        rows.push({
          metric: `analytics ${kind}, days=${days}: p50 / p95`,
          value: `${ms(p50)} / ${ms(p95)}`,
          target: `p95 <= ${ms(TARGETS.analyticsP95Ms)}`,
          met: p95 <= TARGETS.analyticsP95Ms && non200.length === 0,
          note: `${REQUESTS} sequential requests after ${WARMUP} warm-up${inWindow === undefined ? '' : `, ${inWindow} entries in window`}${non200.length ? `; NON-200: ${JSON.stringify(r.statuses)}` : ''}`,
        });
      }
    }
    results.analytics = {
      users: data.counts.users,
      entries: data.counts.entries,
      target_user_entries: data.counts.target,
      database_size: data.counts.size,
      generation: { users_ms: data.users_ms, entries_ms: data.entries_ms, vacuum_analyze_ms: data.vacuum_analyze_ms },
      requests_per_case: REQUESTS,
      ...analytics,
    };
    await analyticsBackend.stop();
    backends.pop();
  } finally {
    for (const b of backends) await b.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await ollama.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }

  // (5) npm test wall time: only on request, with the stack above already stopped.
  if (process.env.BENCH_NPM_TEST === '1') {
    phase('npm test (BENCH_NPM_TEST=1)');
    const t = await npmTestWallTime();
    results.npm_test = { wall_ms: round(t.ms), exit_code: t.exitCode, log: t.log };
    rows.push({
      metric: 'npm test wall time',
      value: ms(t.ms),
      target: `<= ${ms(TARGETS.npmTestMs)}`,
      met: t.ms <= TARGETS.npmTestMs && t.exitCode === 0,
      note: `exit code ${t.exitCode}; output in ${t.log}`,
    });
  } else {
    results.npm_test = null;
    rows.push({
      metric: 'npm test wall time',
      value: 'skipped',
      target: `<= ${ms(TARGETS.npmTestMs)}`,
      note: 'set BENCH_NPM_TEST=1 to measure',
    });
  }

  // Population throughput is measured by `npm run bench:populate`; its last result is shown here.
  try {
    const pop = JSON.parse(await readFile(path.join(benchDir, 'populate-results.json'), 'utf8')) as {
      generated_at?: string;
      summary?: Row[];
    };
    results.populate = { from: 'bench/populate-results.json', generated_at: pop.generated_at ?? null };
    for (const r of pop.summary ?? [])
      rows.push({ ...r, note: `${r.note ? `${r.note}; ` : ''}from bench/populate-results.json (${pop.generated_at ?? '?'})` });
  } catch {
    rows.push({ metric: 'population throughput', value: 'not run', note: 'npm run bench:populate' });
  }

  results.table = rows;
  const m = results.machine as ReturnType<typeof machine>;
  printTable(
    `journal-ai benchmarks — node ${m.node}, ${m.cpus} × ${m.cpu_model}, load average at start ${m.load_average_at_start.join(' ')}`,
    rows,
  );
  await writeJson(path.join(benchDir, 'results.json'), results);
}

await main();
