import { createHash } from 'node:crypto';

/**
 * The Idempotency-Key of one write: derived from the seed, the planned item, the part of it (a turn)
 * and the exact request, so every retry and every re-run of the same plan sends the same key for the
 * same request, and a request that changed (a later day's timestamps) gets a fresh key instead of a 409.
 */
export function idempotencyKey(seed: number, itemId: string, part: string, body: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 24);
  return `populate-${seed}-${itemId}-${part}-${digest}`;
}
