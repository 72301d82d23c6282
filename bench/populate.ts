import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type CallInput, type Client, createClient } from '../src/contract/client.js';
import { createDb, type DbHandle } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { appendTurn } from '../src/db/queries/chat.js';
import { insertEntry } from '../src/db/queries/entries.js';
import { moodFromPolarity } from '../src/domain/mood.js';
import { readingTimeMinutes, wordCount } from '../src/domain/text.js';
import { analyzeWithLexicon } from '../src/domain/lexicon.js';
import { BackendProcess } from '../src/stack/backend.js';
import { trackChild } from '../src/stack/children.js';
import { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import { childPids } from '../src/stack/proc.js';
import {
  benchDir,
  machine,
  percentile,
  phase,
  printTable,
  repoRoot,
  round,
  writeJson,
  type Row,
  backendEntry,
  intEnv,
  profileEnv,
  httpAgent,
  httpFetch,
} from './common.js';

// `npm run bench:populate`: what the population CLI's writes cost end to end, and what PostgreSQL alone
// could take of the same writes.
//
//  end to end  POST /api/v1/chat/message (conversations of TURNS turns: the first opens the session, the
//              others continue it, as the CLI does) and POST /api/v1/entries/ through the real backend
//              process, with the msw Ollama stub (in a process of its own) as the model.
//  ceiling     the same writes issued directly with Kysely over a pool of the backend's size:
//              chat turn = the one statement that opens the session (first turn) or bumps its counters
//              (locking it) and inserts the two messages (appendTurn, as src/services/chat-turn.ts writes a
//              turn without an idempotency key);
//              entry = one insert in a transaction (src/services/entries.ts via idempotency.ts writeOnce).
//
// A "message" below is one user turn (one POST /chat/message, one row pair: the turn and its reply).
// CPU time per request of each process (load generator, stub, backend, PostgreSQL) is measured from
// /proc, so a missed target can be attributed. Figures are printed and written to
// bench/populate-results.json, never asserted.
//
// Environment: BENCH_POP_REQUESTS (default 400 per level), BENCH_POP_LEVELS (default 1,4,16,64),
// BENCH_DB_POOL (default 10 = the backend's DB_POOL_MAX default; passed to the backend and the ceiling),
// BENCH_POP_KINDS (default chat,entries; e.g. chat for a quicker run of the chat figures only),
// BENCH_PROFILE_DIR=/some/dir (a CPU profile of the backend is written there, see bench/cpu-profile.mjs).

const REQUESTS = intEnv('BENCH_POP_REQUESTS', 400);
const LEVELS = (process.env.BENCH_POP_LEVELS ?? '1,4,16,64').split(',').map((s) => Number(s.trim()));
const POOL = intEnv('BENCH_DB_POOL', 10);
const KINDS = (process.env.BENCH_POP_KINDS ?? 'chat,entries')
  .split(',')
  .map((s) => s.trim())
  .filter((k): k is 'chat' | 'entries' => k === 'chat' || k === 'entries');
const TURNS = 4;
const USERS = 64;
const WARMUP = 60;
const TARGET_MESSAGES_PER_S = 1_000;
const TARGET_RATIO = 0.5;
const CLK_TCK = 100;

const SENTENCES = [
  'Today I walked along the river after work and the light on the water made me calm.',
  'I keep thinking about the conversation with my sister and whether I was too harsh.',
  'The project deadline moved again, which is frustrating but also gives me room to breathe.',
  'I slept badly and felt anxious all morning, then a long lunch with a friend helped a lot.',
  'I am grateful for small things this week: coffee, a good book, and a quiet evening.',
  'Work felt heavy and I noticed I was avoiding the hardest task until the afternoon.',
];
const text = (i: number, n: number) => Array.from({ length: n }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]).join(' ');

// ---------------------------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux): utime+stime of a process, plus cutime+cstime of reaped children.

function cpuTicks(pid: number, withReapedChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // After the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime, [13] cutime, [14] cstime.
    return f[11]! + f[12]! + (withReapedChildren ? f[13]! + f[14]! : 0);
  } catch {
    return 0;
  }
}

interface Procs {
  backend: () => number;
  stub: () => number;
  postgres: () => number;
}

function cpuSeconds(p: Procs) {
  const self = process.cpuUsage();
  return {
    loadgen: (self.user + self.system) / 1e6,
    stub: cpuTicks(p.stub(), false) / CLK_TCK,
    backend: cpuTicks(p.backend(), false) / CLK_TCK,
    // The postmaster, its live children (connection backends, background workers), and children reaped meanwhile.
    postgres: (cpuTicks(p.postgres(), true) + childPids(p.postgres()).reduce((s, c) => s + cpuTicks(c, false), 0)) / CLK_TCK,
  };
}
type Cpu = ReturnType<typeof cpuSeconds>;

function cpuPerRequest(before: Cpu, after: Cpu, n: number) {
  const per = (k: keyof Cpu) => round(((after[k] - before[k]) * 1000) / n, 3);
  return { loadgen_ms: per('loadgen'), stub_ms: per('stub'), backend_ms: per('backend'), postgres_ms: per('postgres') };
}

// ---------------------------------------------------------------------------------------------------------

interface LevelResult {
  concurrency: number;
  requests: number;
  ok: number;
  failed: number;
  seconds: number;
  per_second: number;
  p50_ms: number;
  p95_ms: number;
  cpu_per_request?: ReturnType<typeof cpuPerRequest>;
  first_error?: string;
}

/** n units of work over `concurrency` workers; each worker takes the next unit until none are left. */
async function drive(
  concurrency: number,
  n: number,
  unit: (worker: number, i: number) => Promise<void>,
): Promise<Omit<LevelResult, 'concurrency' | 'cpu_per_request'>> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const t = performance.now();
        try {
          await unit(worker, i);
          ok++;
        } catch (err) {
          failed++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: n,
    ok,
    failed,
    seconds: round(seconds, 3),
    per_second: round(ok / seconds, 1),
    p50_ms: round(percentile(latencies, 50), 2),
    p95_ms: round(percentile(latencies, 95), 2),
    ...(firstError !== undefined && { first_error: firstError }),
  };
}

/** The contract client over node:http (see httpFetch): every answer is parsed with its schema, as the CLI's are. */
const clients = new Map<string, Client>();
async function send<R extends 'chatMessage' | 'createEntry'>(api: string, route: R, body: CallInput<R>['body']) {
  let client = clients.get(api);
  if (!client) clients.set(api, (client = createClient({ baseUrl: api, fetch: httpFetch, timeoutMs: 0 })));
  const a = await client.call(route, { body } as CallInput<R>);
  if (a.kind !== 'success') throw new Error(a.kind === 'error' ? `${a.status} ${JSON.stringify(a.body).slice(0, 300)}` : a.message);
  return a.body;
}

/** End to end: per worker, conversations of TURNS turns; the session id comes from the first reply. */
function chatE2E(api: string, users: string[]) {
  const sessions = new Map<number, { id: string; turns: number }>();
  return async (worker: number, i: number) => {
    const user = users[worker % users.length]!;
    const s = sessions.get(worker);
    const cont = s && s.turns < TURNS ? s : undefined;
    const reply = await send(api, 'chatMessage', {
      user_id: user,
      ...(cont ? { session_id: cont.id } : {}),
      message: text(i, 2),
      conversation_mode: 'supportive_listening',
      session_type: 'reflection_buddy',
    });
    if (cont) cont.turns++;
    else sessions.set(worker, { id: String(reply.session_id), turns: 1 });
  };
}

function entriesE2E(api: string, users: string[]) {
  return async (worker: number, i: number) => {
    await send(api, 'createEntry', {
      user_id: users[worker % users.length]!,
      title: `Bench entry ${i}`,
      content: text(i, 5),
      entry_type: 'journal',
    });
  };
}

/** The same chat write as src/services/chat-turn.ts recordTurn, without HTTP, validation or model. */
function chatCeiling(handle: DbHandle, users: string[]) {
  const sessions = new Map<number, { id: string; turns: number }>();
  return async (worker: number, i: number) => {
    const userId = users[worker % users.length]!;
    const s = sessions.get(worker);
    const cont = s && s.turns < TURNS ? s : undefined;
    const message = text(i, 2);
    const at = new Date();
    const written = await appendTurn(
      handle.db,
      cont
        ? { userId, sessionId: cont.id }
        : {
            newSession: {
              user_id: userId,
              session_type: 'reflection_buddy',
              conversation_mode: 'supportive_listening',
              title: null,
              description: null,
              tags: [],
              metadata: {},
              created_at: at,
            },
          },
      [
        {
          role: 'user',
          content: message,
          metadata: {},
          is_fallback: false,
          sentiment_polarity: analyzeWithLexicon(message, 'en').polarity,
          crisis: false,
          created_at: at,
        },
        {
          role: 'assistant',
          content: 'That sounds like a lot to carry. What felt hardest about it?',
          metadata: {
            model: 'llama3.2',
            fallback: false,
            therapeutic_techniques: ['reflective_listening'],
            follow_up_suggestions: [],
            crisis_indicators: [],
            confidence: 0.8,
            response_style: 'empathetic',
          },
          is_fallback: false,
          sentiment_polarity: null,
          crisis: false,
          created_at: new Date(at.getTime() + 1),
        },
      ],
    );
    if (!written) throw new Error('session vanished');
    const sessionId = written.session.id;
    if (cont) cont.turns++;
    else sessions.set(worker, { id: sessionId, turns: 1 });
  };
}

function entriesCeiling(handle: DbHandle, users: string[]) {
  return async (worker: number, i: number) => {
    const content = text(i, 5);
    const words = wordCount(content);
    const polarity = analyzeWithLexicon(content, 'en').polarity;
    const at = new Date();
    await handle.db.transaction().execute((trx) =>
      insertEntry(trx, {
        user_id: users[worker % users.length]!,
        title: `Bench entry ${i}`,
        content,
        entry_type: 'journal',
        topic_id: null,
        tags: JSON.stringify([]),
        template_id: null,
        language: 'en',
        created_at: at,
        updated_at: at,
        deleted_at: null,
        word_count: words,
        reading_time_minutes: readingTimeMinutes(words),
        mood: moodFromPolarity(polarity),
        sentiment_score: polarity,
        emotion_analysis: JSON.stringify({
          primary_emotion: 'calm',
          confidence: 0.7,
          sentiment_polarity: polarity,
          secondary_emotions: [],
        }),
        auto_tags: JSON.stringify(['calm']),
      }),
    );
  };
}

// ---------------------------------------------------------------------------------------------------------

async function startStubProcess(): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'ollama-stub-child.ts')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const untrack = trackChild(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`ollama stub exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      untrack();
    },
  };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'journal-bench-pop-pg-'));
  let server: EmbeddedPostgresServer | undefined;
  let backend: BackendProcess | undefined;
  let stub: Awaited<ReturnType<typeof startStubProcess>> | undefined;
  const handles: DbHandle[] = [];
  const results: Record<string, unknown> = {
    generated_at: new Date().toISOString(),
    machine: machine(),
    settings: {
      requests_per_level: REQUESTS,
      levels: LEVELS,
      kinds: KINDS,
      db_pool: POOL,
      turns_per_conversation: TURNS,
      users: USERS,
      warmup: WARMUP,
    },
    targets: { messages_per_s: TARGET_MESSAGES_PER_S, share_of_ceiling: TARGET_RATIO },
  };
  try {
    phase('PostgreSQL, migrations, users');
    server = await EmbeddedPostgresServer.start({ dataDir, persistent: false });
    await server.createDatabase('bench_populate');
    const url = server.adminUrl('bench_populate');
    const setup = createDb(url, { max: 1 });
    handles.push(setup);
    await migrateToLatest(setup.db);
    const users = Array.from({ length: USERS }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
    await setup.db
      .insertInto('users')
      .values(users.map((id, i) => ({ id, username: `bench-${i}`, display_name: null, timezone: 'UTC', language: 'en' })))
      .execute();

    phase('Ollama stub process, backend process');
    stub = await startStubProcess();
    backend = await BackendProcess.start({
      entry: await backendEntry(),
      env: { DATABASE_URL: url, OLLAMA_HOST: stub.url, SKIP_MIGRATIONS: '1', DB_POOL_MAX: String(POOL), ...profileEnv() },
    });
    const be = backend;
    const pgServer = server;
    const stubChild = stub.child;
    const procs: Procs = { backend: () => be.pid, stub: () => stubChild.pid ?? 0, postgres: () => pgServer.pid ?? 0 };

    phase(`warm-up: ${WARMUP} chat turns and ${WARMUP} entries end to end`);
    await drive(4, WARMUP, chatE2E(backend.url, users));
    await drive(4, WARMUP, entriesE2E(backend.url, users));

    const e2e: Record<'chat' | 'entries', LevelResult[]> = { chat: [], entries: [] };
    const ceiling: Record<'chat' | 'entries', LevelResult[]> = { chat: [], entries: [] };
    for (const c of LEVELS) {
      for (const kind of KINDS) {
        phase(`end to end ${kind}, concurrency ${c}, ${REQUESTS} requests`);
        const before = cpuSeconds(procs);
        const r = await drive(c, REQUESTS, kind === 'chat' ? chatE2E(backend.url, users) : entriesE2E(backend.url, users));
        e2e[kind].push({ concurrency: c, ...r, cpu_per_request: cpuPerRequest(before, cpuSeconds(procs), REQUESTS) });
      }
      const handle = createDb(url, { max: Math.min(c, POOL) });
      handles.push(handle);
      for (const kind of KINDS) {
        phase(`ceiling ${kind}, concurrency ${c} (pool ${Math.min(c, POOL)}), ${REQUESTS} transactions`);
        await drive(c, Math.min(20, REQUESTS), kind === 'chat' ? chatCeiling(handle, users) : entriesCeiling(handle, users));
        const before = cpuSeconds(procs);
        const r = await drive(c, REQUESTS, kind === 'chat' ? chatCeiling(handle, users) : entriesCeiling(handle, users));
        ceiling[kind].push({ concurrency: c, ...r, cpu_per_request: cpuPerRequest(before, cpuSeconds(procs), REQUESTS) });
      }
      await handle.close();
      handles.pop();
    }
    results.end_to_end = e2e;
    results.ceiling = ceiling;

    // The table: one row per kind and level, then the verdict on the targets.
    const rows: Row[] = [];
    const comparison: Record<string, unknown>[] = [];
    for (const kind of KINDS) {
      for (let i = 0; i < LEVELS.length; i++) {
        const a = e2e[kind][i]!;
        const b = ceiling[kind][i]!;
        const ratio = a.per_second / b.per_second;
        comparison.push({
          kind,
          concurrency: a.concurrency,
          end_to_end_per_s: a.per_second,
          ceiling_per_s: b.per_second,
          ratio: round(ratio, 3),
        });
        const cpu = a.cpu_per_request!;
        rows.push({
          metric: `${kind === 'chat' ? 'chat messages/s' : 'entries/s'} @ concurrency ${a.concurrency}`,
          value: `${a.per_second} / ${b.per_second} (${Math.round(ratio * 100)}%)`,
          ...(kind === 'chat'
            ? {
                target: `>= ${TARGET_MESSAGES_PER_S}, >= ${TARGET_RATIO * 100}%`,
                met: a.per_second >= TARGET_MESSAGES_PER_S && ratio >= TARGET_RATIO,
              }
            : {}),
          note: `e2e p50 ${a.p50_ms} ms p95 ${a.p95_ms} ms${a.failed ? `, ${a.failed} FAILED (${a.first_error})` : ''}; CPU ms/req: backend ${cpu.backend_ms}, postgres ${cpu.postgres_ms}, stub ${cpu.stub_ms}, loadgen ${cpu.loadgen_ms}`,
        });
      }
    }
    results.comparison = comparison;
    printTable(`population throughput: end to end / database ceiling (ratio); ${REQUESTS} requests per level, pool ${POOL}`, rows);

    const best = (xs: LevelResult[]) => xs.reduce((m, x) => (x.per_second > m.per_second ? x : m));
    const bestOf = (kind: 'chat' | 'entries') => {
      if (e2e[kind].length === 0) return undefined;
      const b = best(e2e[kind]);
      return { ...b, ratio: b.per_second / ceiling[kind][e2e[kind].indexOf(b)]!.per_second };
    };
    const bestChat = bestOf('chat');
    const bestEntries = bestOf('entries');
    const summary: Row[] = [
      ...(bestChat
        ? [
            {
              metric: 'population: chat messages/s end to end (best level)',
              value: `${bestChat.per_second} @ c=${bestChat.concurrency}`,
              target: `>= ${TARGET_MESSAGES_PER_S}`,
              met: bestChat.per_second >= TARGET_MESSAGES_PER_S,
            },
            {
              metric: 'population: chat, share of the database ceiling',
              value: `${Math.round(bestChat.ratio * 100)}%`,
              target: `>= ${TARGET_RATIO * 100}%`,
              met: bestChat.ratio >= TARGET_RATIO,
            },
          ]
        : []),
      ...(bestEntries
        ? [
            {
              metric: 'population: entries/s end to end (best level)',
              value: `${bestEntries.per_second} @ c=${bestEntries.concurrency}`,
              note: `${Math.round(bestEntries.ratio * 100)}% of the ceiling`,
            },
          ]
        : []),
    ];
    results.summary = summary;
    printTable('population targets', summary);
    await writeJson(path.join(benchDir, 'populate-results.json'), results);
  } finally {
    httpAgent.destroy();
    for (const h of handles) await h.close().catch(() => undefined);
    await backend?.stop().catch(() => undefined);
    await stub?.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
