import { pingDatabase } from '../db/connection.js';
import type { ChatHealth, ServiceStats } from '../contract/chat.js';
import type { Readiness } from '../contract/health.js';
import { chatCounters } from '../db/queries/chat.js';
import type { ServiceDeps } from './deps.js';
import { iso } from './mappers.js';
import { requireUser } from './ownership.js';

export const CAPABILITIES = [
  'chat',
  'emotion_analysis',
  'chunked_analysis',
  'offline_fallback',
  'idempotent_writes',
  'structured_output',
  'mood_analytics',
  'writing_analytics',
];

type Probe = { up: boolean; latency_ms: number | null; error?: string };

async function probeDatabase(deps: ServiceDeps): Promise<Probe> {
  const t = performance.now();
  try {
    await pingDatabase(deps.db);
    return { up: true, latency_ms: Math.round((performance.now() - t) * 100) / 100 };
  } catch (e) {
    return { up: false, latency_ms: null, error: e instanceof Error ? e.message : String(e) };
  }
}

async function probeModel(deps: ServiceDeps): Promise<Probe> {
  const p = await deps.ai.probe();
  return { up: p.available, latency_ms: p.latency_ms, ...(p.error ? { error: p.error } : {}) };
}

/** Pure: overall status from the two probes. Database down outranks model down. */
export function overallStatus(db: boolean, llm: boolean): 'healthy' | 'degraded' | 'unhealthy' {
  if (!db) return 'unhealthy';
  return llm ? 'healthy' : 'degraded';
}

async function counters(deps: ServiceDeps, userId: string | null, status: ServiceStats['service_status']): Promise<ServiceStats> {
  const c = await chatCounters(deps.db, userId);
  // No satisfaction ratings are collected, so none is reported (the original showed a made-up figure).
  return { ...c, average_user_satisfaction: null, service_status: status };
}

export async function chatStats(deps: ServiceDeps, userId: string | undefined) {
  if (userId) await requireUser(deps, userId);
  const llm = await probeModel(deps);
  return {
    service_stats: await counters(deps, userId ?? null, overallStatus(true, llm.up)),
    user_id: userId ?? null,
    timestamp: iso(deps.now()),
    service_version: deps.version,
    capabilities: CAPABILITIES,
  };
}

export async function chatHealth(deps: ServiceDeps): Promise<{ status: number; body: ChatHealth }> {
  const [db, llm] = await Promise.all([probeDatabase(deps), probeModel(deps)]);
  const status = overallStatus(db.up, llm.up);
  const stats = db.up ? await counters(deps, null, status).catch(() => null) : null;
  return {
    status: db.up ? 200 : 503,
    body: {
      status,
      database_available: db.up,
      llm_service_available: llm.up,
      // Emotion analysis always answers: from the model, or from the offline lexicon when it is down.
      emotion_service_available: true,
      dependencies_available: db.up && llm.up,
      cache_operational: true,
      service_stats: stats,
      timestamp: iso(deps.now()),
    },
  };
}

export async function readiness(deps: ServiceDeps): Promise<{ status: number; body: Readiness }> {
  const [db, llm] = await Promise.all([probeDatabase(deps), probeModel(deps)]);
  const component = (p: Probe) => ({
    status: p.up ? ('up' as const) : ('down' as const),
    latency_ms: p.latency_ms,
    ...(p.error ? { error: p.error } : {}),
  });
  return {
    status: db.up ? 200 : 503,
    body: {
      status: overallStatus(db.up, llm.up),
      components: { database: component(db), llm: component(llm) },
      version: deps.version,
      timestamp: iso(deps.now()),
    },
  };
}
