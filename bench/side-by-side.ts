import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDb } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { BackendProcess } from '../src/stack/backend.js';
import { trackChild } from '../src/stack/children.js';
import { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import type { TargetHooks, UserWish } from '../helpers/deployment/hooks.js';
import { backendEntry, benchDir, machine, percentile, phase, repoRoot, round, writeJson } from './common.js';

// `npm run bench:compare -- [options]`: deployments of the journaling API side by side, on the same machine
// in one interleaved run. Per route, requests/s and p50/p95 latency at each concurrency, measured in bursts
// that alternate between the deployments (round 1: every route on A then B, round 2 again, ...), so a load
// spike from elsewhere on the machine hits both alike. Then the cost curve of analytics: one user with 1k,
// 10k and 100k entries over 365 days, mood and writing at days=365.
//
//   --target name=URL       a deployment (repeatable), base URL with or without /api/v1
//   --module name=FILE      a suite target module (targets/*.ts) whose createUser hook makes that
//                           deployment's users (e.g. the original, which has no user route)
//   --sql name=POSTGRES_URL seed that deployment's curve entries by SQL (this project's schema) instead
//                           of through its API
//   --api-seed-max N        the largest curve size seeded through an API (default 1000; POSTs are slow)
//   --seconds S             seconds per burst (default 3)  --rounds R (default 3)
//   --concurrency 1,16      --sizes 1000,10000,100000      --skip-curve
// Without a target named `ours`, this project's backend is started here (embedded PostgreSQL, the msw Ollama
// stub served over HTTP in a process of its own, the backend as a child process) and seeded by SQL.
// Figures are printed and written to bench/side-by-side-results.json; nothing is asserted.

const { values: args } = parseArgs({
  options: {
    target: { type: 'string', multiple: true, default: [] },
    module: { type: 'string', multiple: true, default: [] },
    sql: { type: 'string', multiple: true, default: [] },
    'api-seed-max': { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,16' },
    sizes: { type: 'string', default: '1000,10000,100000' },
    'skip-curve': { type: 'boolean', default: false },
    'reader-entries': { type: 'string', default: '300' },
    out: { type: 'string', default: path.join(benchDir, 'side-by-side-results.json') },
  },
});

const pairs = (list: string[], what: string) =>
  new Map(
    list.map((s) => {
      const i = s.indexOf('=');
      if (i < 1) throw new Error(`--${what} takes name=value, got "${s}"`);
      return [s.slice(0, i), s.slice(i + 1)] as const;
    }),
  );
const positive = (s: string, name: string) => {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${s}"`);
  return n;
};
const SECONDS = positive(args.seconds, 'seconds');
const ROUNDS = positive(args.rounds, 'rounds');
const LEVELS = args.concurrency.split(',').map((s) => positive(s, 'concurrency'));
const SIZES = args.sizes.split(',').map((s) => positive(s, 'sizes'));
const API_SEED_MAX = positive(args['api-seed-max'], 'api-seed-max');
const READER_ENTRIES = positive(args['reader-entries'], 'reader-entries');
const CURVE_REQUESTS = 200;

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

interface Answer {
  status: number;
  body: string;
}
function request(base: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      `${base}${route}`,
      {
        method,
        agent,
        headers: payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function ok(base: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
  const a = await request(base, method, route, body);
  if (a.status < 200 || a.status > 299) throw new Error(`${method} ${route}: ${a.status} ${a.body.slice(0, 300)}`);
  return a.body ? JSON.parse(a.body) : undefined;
}

/** For set-up writes: a 5xx or 429 (a loaded machine, a limiter, the original's sporadic 500) is sent again, up to 20 times; in bursts it counts as failed. */
async function settled(base: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ok(base, method, route, body);
    } catch (err) {
      if (attempt >= 20 || !/: (5\d\d|429) /.test(String(err))) throw err;
    }
  }
}

interface Target {
  name: string;
  /** Base URL including /api/v1. */
  api: string;
  hooks?: TargetHooks;
  sqlUrl?: string;
}

const SENTENCES = [
  'Today I walked along the river after work and the light on the water made me calm.',
  'I keep thinking about the conversation with my sister and whether I was too harsh.',
  'The project deadline moved again, which is frustrating but also gives me room to breathe.',
  'I slept badly and felt anxious all morning, then a long lunch with a friend helped a lot.',
  'I am grateful for small things this week: coffee, a good book, and a quiet evening.',
];
const text = (i: number, n: number) => Array.from({ length: n }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]).join(' ');

let userSeq = 0;
async function makeUser(t: Target): Promise<string> {
  const wish: UserWish = { username: `bench-${process.pid}-${userSeq++}`, timezone: 'UTC', language: 'en' };
  if (t.hooks?.createUser) {
    const ctx = { apiUrl: t.api.replace(/\/api\/v1$/, ''), env: process.env, createUserViaApi: () => Promise.reject(new Error('unused')) };
    return (await t.hooks.createUser(ctx, wish)).id;
  }
  const u = (await ok(t.api, 'POST', '/users/', { ...wish, display_name: null })) as { id: string };
  return u.id;
}

/** The routes compared; each is one request of a kind both deployments serve. */
function routes(user: string) {
  let i = 0;
  return {
    'create entry': (api: string) =>
      ok(api, 'POST', '/entries/', { user_id: user, title: `Burst ${i}`, content: text(i++, 3), entry_type: 'journal' }),
    'chat turn': (api: string) =>
      ok(api, 'POST', '/chat/message', {
        user_id: user,
        message: text(i++, 1),
        conversation_mode: 'supportive_listening',
        preferred_style: 'empathetic',
      }),
    'list entries': (api: string) => ok(api, 'GET', `/entries/?user_id=${user}&limit=20`),
    'mood analytics (30 days)': (api: string) => ok(api, 'GET', `/entries/analytics/mood?user_id=${user}&days=30`),
    'writing analytics (30 days)': (api: string) => ok(api, 'GET', `/entries/analytics/writing?user_id=${user}&days=30`),
  };
}
type RouteName = keyof ReturnType<typeof routes>;

interface Burst {
  ok: number;
  failed: number;
  seconds: number;
  latencies: number[];
  firstError?: string;
}

/** `concurrency` keep-alive clients sending `fn` back to back for `seconds`. */
async function burst(concurrency: number, seconds: number, fn: () => Promise<unknown>): Promise<Burst> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await fn();
          latencies.push(performance.now() - t);
        } catch (err) {
          failed++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  return { ok: latencies.length, failed, seconds: (performance.now() - started) / 1000, latencies, firstError };
}

interface Figure {
  per_s: number;
  p50_ms: number;
  p95_ms: number;
  ok: number;
  failed: number;
  first_error?: string;
}
function figure(bursts: Burst[]): Figure {
  const latencies = bursts.flatMap((b) => b.latencies);
  const ok = latencies.length;
  const seconds = bursts.reduce((s, b) => s + b.seconds, 0);
  const failed = bursts.reduce((s, b) => s + b.failed, 0);
  const firstError = bursts.find((b) => b.firstError)?.firstError;
  return {
    per_s: round(ok / seconds, 1),
    p50_ms: round(percentile(latencies, 50), 2),
    p95_ms: round(percentile(latencies, 95), 2),
    ok,
    failed,
    ...(firstError && { first_error: firstError.slice(0, 300) }),
  };
}

// ---- this project's backend, started here when no `ours` URL is given --------------------------------

async function startStub(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'ollama-stub-child.ts')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  trackChild(() => child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`ollama stub exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return { url, child };
}

async function startOurs() {
  const server = await EmbeddedPostgresServer.start({
    dataDir: await mkdtemp(path.join(tmpdir(), 'journal-bench-sbs-pg-')),
    persistent: false,
  });
  await server.createDatabase('bench_sbs');
  const url = server.adminUrl('bench_sbs');
  const setup = createDb(url, { max: 1 });
  await migrateToLatest(setup.db);
  await setup.close();
  const stub = await startStub();
  const backend = await BackendProcess.start({
    entry: await backendEntry(),
    env: { DATABASE_URL: url, OLLAMA_HOST: stub.url, SKIP_MIGRATIONS: '1' },
  });
  return {
    target: { name: 'ours', api: `${backend.url}/api/v1`, sqlUrl: url } satisfies Target,
    async stop() {
      await backend.stop();
      stub.child.kill('SIGTERM');
      await server.stop();
    },
  };
}

// ---- seeding -----------------------------------------------------------------------------------------

const DAY_S = 86_400;

/** n entries of `user` spread evenly over the last 365 days (the same spread on every deployment). */
async function seedBySql(url: string, user: string, n: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO entries (user_id, title, content, entry_type, language, created_at, updated_at, word_count,
                            reading_time_minutes, mood, sentiment_score)
       SELECT $1, 'Entry ' || g, 'Benchmark entry ' || g, 'journal', 'en', t.at, t.at, 40 + g % 400, 1 + (40 + g % 400) / 200,
              (ARRAY['very_positive','positive','neutral','negative','very_negative'])[1 + g % 5], ((g % 201) - 100) / 100.0
       FROM generate_series(1, $2::int) g,
            LATERAL (SELECT now() - ((g - 1) * ($3::float8 / $2::int) + 60) * interval '1 second' AS at) t`,
      [user, n, 364 * DAY_S],
    );
    await client.query('ANALYZE entries');
  } finally {
    await client.end();
  }
}

/** n entries through the API, 16 at a time, with created_at spread like seedBySql's (a deployment may ignore it). */
async function seedByApi(api: string, user: string, n: number): Promise<void> {
  let next = 0;
  const now = Date.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < n; i = next++) {
        const at = new Date(now - (i * (364 * DAY_S * 1000)) / n - 60_000).toISOString();
        await settled(api, 'POST', '/entries/', {
          user_id: user,
          title: `Entry ${i}`,
          content: text(i, 2),
          entry_type: 'journal',
          created_at: at,
        });
      }
    }),
  );
}

// ---- main ----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const urls = pairs(args.target, 'target');
  const modules = pairs(args.module, 'module');
  const sqls = pairs(args.sql, 'sql');
  const targets: Target[] = [];
  let ours: Awaited<ReturnType<typeof startOurs>> | undefined;
  if (!urls.has('ours')) {
    phase('starting ours: embedded PostgreSQL, Ollama stub over HTTP, backend process');
    ours = await startOurs();
    targets.push(ours.target);
  }
  for (const [name, url] of urls) {
    const base = url.replace(/\/+$/, '');
    const hooksFile = modules.get(name);
    const hooks = hooksFile ? ((await import(path.resolve(hooksFile))) as { default: TargetHooks }).default : undefined;
    targets.push({ name, api: base.endsWith('/api/v1') ? base : `${base}/api/v1`, hooks, sqlUrl: sqls.get(name) });
  }
  const results: Record<string, unknown> = {
    generated_at: new Date().toISOString(),
    machine: machine(),
    settings: { seconds_per_burst: SECONDS, rounds: ROUNDS, concurrency: LEVELS, sizes: SIZES, reader_entries: READER_ENTRIES },
    targets: targets.map((t) => ({ name: t.name, api: t.api, curve_seeded_by: t.sqlUrl ? 'sql' : `api (sizes <= ${API_SEED_MAX})` })),
  };
  try {
    // One user per deployment for the bursts, with the same READER_ENTRIES entries (through the API, over
    // the last 30 days) before the first burst; the bursts' own writes go to it too.
    const users = new Map<string, string>();
    for (const t of targets) {
      phase(`${t.name}: user and ${READER_ENTRIES} entries through the API`);
      const user = await makeUser(t);
      users.set(t.name, user);
      let next = 0;
      const now = Date.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < READER_ENTRIES; i = next++) {
            const at = new Date(now - (i * 29 * DAY_S * 1000) / READER_ENTRIES - 60_000).toISOString();
            await settled(t.api, 'POST', '/entries/', {
              user_id: user,
              title: `Entry ${i}`,
              content: text(i, 2),
              entry_type: 'journal',
              created_at: at,
            });
          }
        }),
      );
      // Warm-up: every route a few times (the original's analytics then answer from its cache).
      for (const fn of Object.values(routes(user))) for (let k = 0; k < 5; k++) await fn(t.api).catch(() => undefined);
    }

    const bursts = new Map<string, Burst[]>();
    const key = (t: string, r: string, c: number) => `${t}|${r}|${c}`;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const c of LEVELS) {
        for (const route of Object.keys(routes('')) as RouteName[]) {
          for (const t of targets) {
            const fn = routes(users.get(t.name)!)[route];
            phase(`round ${round}/${ROUNDS} c=${c} ${route} on ${t.name}`);
            const b = await burst(c, SECONDS, () => fn(t.api));
            const k = key(t.name, route, c);
            bursts.set(k, [...(bursts.get(k) ?? []), b]);
          }
        }
      }
    }
    const table = (Object.keys(routes('')) as RouteName[]).flatMap((route) =>
      LEVELS.map((c) => ({
        route,
        concurrency: c,
        ...Object.fromEntries(targets.map((t) => [t.name, figure(bursts.get(key(t.name, route, c)) ?? [])])),
      })),
    );
    results.routes = table;

    console.log(`\nroutes: requests/s (p50 / p95 ms), ${ROUNDS} interleaved bursts of ${SECONDS} s each`);
    const names = targets.map((t) => t.name);
    const [first, second] = names;
    console.log(['route', 'c', ...names, ...(second ? [`${first}/${second}`] : [])].join(' | '));
    for (const row of table) {
      const cells = names.map((n) => {
        const f = (row as unknown as Record<string, Figure>)[n]!;
        return `${f.per_s}/s (${f.p50_ms} / ${f.p95_ms})${f.failed ? ` ${f.failed} failed` : ''}`;
      });
      const a = (row as unknown as Record<string, Figure>)[first!]!;
      const b = second ? (row as unknown as Record<string, Figure>)[second] : undefined;
      console.log([row.route, row.concurrency, ...cells, ...(b ? [`${round(a.per_s / b.per_s, 2)}x`] : [])].join(' | '));
    }

    if (!args['skip-curve']) {
      const curve: Record<string, unknown>[] = [];
      for (const t of targets) {
        for (const n of SIZES) {
          if (!t.sqlUrl && n > API_SEED_MAX) {
            phase(`${t.name}: ${n} entries would be seeded through its API (> --api-seed-max ${API_SEED_MAX}); skipped`);
            continue;
          }
          const user = await makeUser(t);
          phase(`${t.name}: ${n} entries over 365 days by ${t.sqlUrl ? 'SQL' : 'API'}`);
          const seeded = performance.now();
          if (t.sqlUrl) await seedBySql(t.sqlUrl, user, n);
          else await seedByApi(t.api, user, n);
          const seedMs = performance.now() - seeded;
          for (const kind of ['mood', 'writing'] as const) {
            const route = `/entries/analytics/${kind}?user_id=${user}&days=365`;
            for (let k = 0; k < 20; k++) await settled(t.api, 'GET', route);
            const lat: number[] = [];
            for (let k = 0; k < CURVE_REQUESTS; k++) {
              const started = performance.now();
              await settled(t.api, 'GET', route);
              lat.push(performance.now() - started);
            }
            const c16 = figure([await burst(16, SECONDS, () => ok(t.api, 'GET', route))]);
            const row = {
              target: t.name,
              entries: n,
              analytics: kind,
              seeded_by: t.sqlUrl ? 'sql' : 'api',
              seed_ms: round(seedMs),
              c1_p50_ms: round(percentile(lat, 50), 2),
              c1_p95_ms: round(percentile(lat, 95), 2),
              c16_per_s: c16.per_s,
              c16_p95_ms: c16.p95_ms,
            };
            curve.push(row);
            console.log(
              `curve ${t.name} ${n} entries ${kind} days=365: p50 ${row.c1_p50_ms} ms, p95 ${row.c1_p95_ms} ms at c=1; ${row.c16_per_s}/s at c=16`,
            );
          }
        }
      }
      results.analytics_curve = curve;
    }
    results.load_average_at_end = machine().load_average_at_start;
    await writeJson(args.out, results);
  } finally {
    agent.destroy();
    await ours?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
