import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Shared by bench/run.ts and bench/populate.ts: statistics, the printed table, the machine a figure was
// measured on. Benchmarks print and record; they never assert (a slow machine is information, not a failure).

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(benchDir, '..');

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export interface Row {
  metric: string;
  value: string;
  target?: string;
  /** undefined: no target for this row. */
  met?: boolean;
  note?: string;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const head = ['metric', 'measured', 'target', '', 'note'];
  const cells = rows.map((r) => [r.metric, r.value, r.target ?? '', r.met === undefined ? '' : r.met ? 'ok' : 'MISSED', r.note ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 1 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

/** What the figures depend on: printed with them and stored in the JSON. */
export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    load_average_at_start: os.loadavg().map((l) => round(l, 2)),
  };
}

export async function writeJson(file: string, data: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), file) || file}`);
}

export function ms(n: number): string {
  return n >= 10_000 ? `${round(n / 1000, 1)} s` : `${round(n, n < 10 ? 2 : 1)} ms`;
}

/** Logs a phase to stderr so stdout keeps only the tables. */
export function phase(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

let bundled: Promise<string> | undefined;
/**
 * The backend as the suite runs it: bundled once into plain JavaScript (src/stack/bundle.ts), so boots and
 * restarts are measured without tsx's per-module transform. The one-time build is not part of any figure.
 */
export function backendEntry(): Promise<string> {
  bundled ??= (async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { buildBackendBundle } = await import('../src/stack/bundle.js');
    return (await buildBackendBundle(await mkdtemp(join(tmpdir(), 'journal-bench-backend-')))).entry;
  })();
  return bundled;
}

/** Environment that makes a backend write a CPU profile on exit, when BENCH_PROFILE_DIR is set. */
export function profileEnv(): Record<string, string> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return {};
  const hook = path.join(benchDir, 'cpu-profile.mjs');
  return { CPU_PROFILE_DIR: path.resolve(dir), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${hook}`.trim() };
}

export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Destroy when the benchmark ends, or its idle sockets keep the process alive. */
export const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * A fetch for the contract client over plain node:http with kept-alive connections (at most one per
 * worker): the load generator shares the machine with what it measures, and undici's fetch (WHATWG
 * streams, request cloning) cost about as much CPU per request as the backend's own handling of a turn.
 */
export const httpFetch: typeof fetch = (input, init) =>
  new Promise((resolve, reject) => {
    const payload = typeof init?.body === 'string' ? Buffer.from(init.body) : undefined;
    const headers: Record<string, string> = Object.fromEntries(new Headers(init?.headers).entries());
    if (payload) headers['content-length'] = String(payload.length);
    const url = input instanceof Request ? input.url : String(input);
    const req = http.request(url, { method: init?.method ?? 'GET', agent: httpAgent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const answer = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) answer.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 0;
        resolve(new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers: answer }));
      });
    });
    req.on('error', reject);
    init?.signal?.addEventListener('abort', () => req.destroy(init.signal?.reason as Error));
    req.end(payload);
  });
