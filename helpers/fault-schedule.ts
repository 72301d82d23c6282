import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { mulberry32 } from '../src/domain/random.js';
import type { RunningBackend } from '../src/stack/backend.js';
import type { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import type { ApiClient } from './api.js';
import { stallPostgres, terminateBackendConnections } from './pg-faults.js';
import type { PgProxy } from './pg-proxy.js';

/**
 * Faults for schedules under load. Each one is applied, held for `holdMs`, undone, and then the time
 * until the backend writes again is measured (recovery). Nothing here waits on a sleep for readiness:
 * recovery is polled.
 */
export type FaultName =
  | 'terminate'
  | 'pg-stall'
  | 'pg-restart'
  | 'pg-kill'
  | 'backend-kill'
  | 'backend-term'
  | 'net-cut'
  | 'net-reset'
  | 'net-stall'
  | 'net-latency';

export const ALL_FAULTS: FaultName[] = [
  'terminate',
  'pg-stall',
  'pg-restart',
  'pg-kill',
  'backend-kill',
  'backend-term',
  'net-cut',
  'net-reset',
  'net-stall',
  'net-latency',
];

export interface FaultTarget {
  api: ApiClient;
  backend: RunningBackend;
  /** This target's own PostgreSQL (stall, restart and kill need one no other file shares). */
  postgres?: EmbeddedPostgresServer;
  proxy?: PgProxy;
  /** A connection of the test's own (not through the proxy) for pg_terminate_backend. */
  db: Kysely<Database>;
  /** A user id of the target, for the recovery probe write. */
  probeUserId: string;
}

export interface FaultRecord {
  fault: FaultName;
  holdMs: number;
  /** From undoing the fault to the first acknowledged write. */
  recoveryMs: number;
  /** Applying, holding and undoing the fault. */
  tookMs: number;
}

/** Why a fault cannot run on this target, or undefined when it can. */
export function unavailable(fault: FaultName, t: Pick<FaultTarget, 'postgres' | 'proxy'>): string | undefined {
  if (fault.startsWith('pg-') && !t.postgres) return 'needs a private PostgreSQL';
  if (fault.startsWith('net-') && !t.proxy) return 'needs the TCP proxy';
  return undefined;
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function recovery(t: FaultTarget, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await t.api
      .call('createEntry', { body: { user_id: t.probeUserId, title: 'recovery probe', content: `probe after a fault at ${Date.now()}` } })
      .catch(() => null);
    if (out?.ok) return performance.now() - started;
    if (Date.now() > deadline) throw new Error(`no write succeeded within ${timeoutMs} ms of the fault being undone`);
    await pause(20);
  }
}

export async function injectFault(t: FaultTarget, fault: FaultName, holdMs: number, recoveryTimeoutMs = 15_000): Promise<FaultRecord> {
  const why = unavailable(fault, t);
  if (why) throw new Error(`${fault}: ${why}`);
  const started = performance.now();
  switch (fault) {
    case 'terminate':
      await terminateBackendConnections(t.db);
      break;
    case 'pg-stall': {
      const stall = stallPostgres(t.postgres!);
      try {
        await pause(holdMs);
      } finally {
        stall.resume();
      }
      break;
    }
    case 'pg-restart':
      await t.postgres!.stop({ keepData: true });
      await pause(holdMs);
      await t.postgres!.start();
      break;
    case 'pg-kill':
      await t.postgres!.kill();
      await pause(holdMs);
      await t.postgres!.start();
      break;
    case 'backend-kill':
      await t.backend.kill();
      await pause(holdMs);
      await t.backend.restart('kill');
      break;
    case 'backend-term':
      await t.backend.restart('graceful');
      break;
    case 'net-cut':
      await t.proxy!.cut();
      await pause(holdMs);
      await t.proxy!.restore();
      break;
    case 'net-reset':
      t.proxy!.reset();
      break;
    case 'net-stall':
      t.proxy!.stall();
      await pause(holdMs);
      await t.proxy!.restore();
      break;
    case 'net-latency':
      t.proxy!.latency(50);
      await pause(holdMs);
      await t.proxy!.restore();
      break;
  }
  const tookMs = Math.round(performance.now() - started);
  return { fault, holdMs, tookMs, recoveryMs: Math.round(await recovery(t, recoveryTimeoutMs)) };
}

/** Faults by what they break; a short schedule takes one of each. */
export const FAULT_CLASSES: FaultName[][] = [
  ['backend-kill', 'backend-term'],
  ['pg-stall', 'pg-restart', 'pg-kill'],
  ['terminate'],
  ['net-cut', 'net-reset', 'net-stall', 'net-latency'],
];

/** One available fault of each class, chosen and ordered by the seed (another seed, other faults). */
export function shortSchedule(seed: number, available: FaultName[]): FaultName[] {
  const rng = mulberry32(seed ^ 0x5eed);
  const picks = FAULT_CLASSES.map((c) => c.filter((f) => available.includes(f)))
    .filter((c) => c.length > 0)
    .map((c) => c[Math.floor(rng() * c.length)]!);
  return schedule(seed, picks, 1);
}

/** A seeded order of faults: every available one once per round, shuffled per round. */
export function schedule(seed: number, faults: FaultName[], rounds: number): FaultName[] {
  const rng = mulberry32(seed);
  const out: FaultName[] = [];
  for (let r = 0; r < rounds; r++) {
    const round = [...faults];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    out.push(...round);
  }
  return out;
}
