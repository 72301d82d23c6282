import { z } from 'zod';
import { Timestamp } from './common.js';

export const Liveness = z.object({ status: z.literal('ok') });
export const Readiness = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  components: z.object({
    database: z.object({ status: z.enum(['up', 'down']), latency_ms: z.number().min(0).nullable(), error: z.string().optional() }),
    llm: z.object({ status: z.enum(['up', 'down']), latency_ms: z.number().min(0).nullable(), error: z.string().optional() }),
  }),
  version: z.string(),
  timestamp: Timestamp,
});
export type Readiness = z.infer<typeof Readiness>;
