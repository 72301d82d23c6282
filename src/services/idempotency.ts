import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
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

/** The write a request settles on once its reads and model calls are done; its result is the answer. */
export type Write<R> = (db: Kysely<Database>) => Promise<R>;

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

const conflict = (message: string, detail: string) =>
  new ApiError(409, 'idempotency_conflict', message, [{ path: 'idempotency-key', message: detail }]);

/** The stored answer of an earlier request with this key, if it committed. */
async function replayed<R>(deps: ServiceDeps, req: IdempotencyRequest): Promise<R | undefined> {
  const prior = await findIdempotent(deps.db, req.userId, req.scope, req.key);
  if (!prior || prior.status_code === 0) return undefined;
  if (prior.request_hash !== requestHash(req.body))
    throw conflict('This Idempotency-Key was used with a different request', 'reused with a different body');
  return prior.response as R;
}

/**
 * The one write path of every creating request. A retry of a committed request answers the stored result
 * before anything else runs (no second model call). Otherwise `prepare` does the reads and model calls
 * outside any transaction and returns the write; with a key, claiming the key, the write and storing its
 * answer are one transaction, so a retried request either finds the committed answer or writes exactly
 * once (two racing retries serialise on the key's row: the loser waits for the winner's commit and then
 * answers with the winner's result). Without a key the write runs as is: every write here is a single
 * statement, atomic on its own.
 */
export async function writeOnce<R>(deps: ServiceDeps, req: IdempotencyRequest | undefined, prepare: () => Promise<Write<R>>): Promise<R> {
  if (!req) return (await prepare())(deps.db);
  const prior = await replayed<R>(deps, req);
  if (prior !== undefined) return prior;
  const write = await prepare();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    if (!(await claimIdempotencyKey(trx, { user_id: req.userId, scope: req.scope, key: req.key, request_hash: requestHash(req.body) }))) {
      return { replay: true as const };
    }
    const result = await write(trx);
    await storeIdempotentResponse(trx, req.userId, req.scope, req.key, 200, result);
    return { replay: false as const, result };
  });
  if (!outcome.replay) return outcome.result;
  const again = await replayed<R>(deps, req);
  if (again === undefined) throw conflict('A request with this Idempotency-Key is still in progress', 'in progress');
  return again;
}
