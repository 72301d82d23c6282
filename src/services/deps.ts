import type { Kysely } from 'kysely';
import type { AiGateway } from '../ai/gateway.js';
import type { Database } from '../db/schema.js';

/** What every service needs; `now` is injectable so analytics windows are testable. */
export interface ServiceDeps {
  db: Kysely<Database>;
  ai: AiGateway;
  now: () => Date;
  version: string;
}
