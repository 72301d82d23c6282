import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { claimIdempotencyKey, findIdempotent, storeIdempotentResponse } from '../db/queries/chat.js';
import type { Database } from '../db/schema.js';
import type { ServiceDeps } from './deps.js';
import { ApiError } from './errors.js';

export interface IdempotencyRequest {
  userId: string;
  scope: string;
  key: string;
  body: unknown;
}

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/** The stored answer of an earlier request with this key, if it committed. */
export async function replayed<R>(deps: ServiceDeps, req: IdempotencyRequest | undefined): Promise<R | undefined> {
  if (!req) return undefined;
  const prior = await findIdempotent(deps.db, req.userId, req.scope, req.key);
  if (!prior || prior.status_code === 0) return undefined;
  if (prior.request_hash !== requestHash(req.body)) {
    throw new ApiError(409, 'idempotency_conflict', 'This Idempotency-Key was used with a different request', [
      { path: 'idempotency-key', message: 'reused with a different body' },
    ]);
  }
  return prior.response as R;
}

/**
 * Runs `write` in one transaction together with claiming the key and storing the answer, so a retried
 * request either finds the committed answer or writes exactly once. Two racing retries serialise on the
 * key's row: the loser waits for the winner's commit and then answers with the winner's result.
 */
export async function writeOnce<R>(
  deps: ServiceDeps,
  req: IdempotencyRequest | undefined,
  write: (trx: Transaction<Database>) => Promise<R>,
): Promise<R> {
  const outcome = await deps.db.transaction().execute(async (trx) => {
    if (
      req &&
      !(await claimIdempotencyKey(trx, { user_id: req.userId, scope: req.scope, key: req.key, request_hash: requestHash(req.body) }))
    ) {
      return { replay: true as const };
    }
    const result = await write(trx);
    if (req) await storeIdempotentResponse(trx, req.userId, req.scope, req.key, 200, result);
    return { replay: false as const, result };
  });
  if (!outcome.replay) return outcome.result;
  const again = await replayed<R>(deps, req);
  if (again === undefined)
    throw new ApiError(409, 'idempotency_conflict', 'A request with this Idempotency-Key is still in progress', [
      { path: 'idempotency-key', message: 'in progress' },
    ]);
  return again;
}
