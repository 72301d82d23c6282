/**
 * What a target module may supply (Pact calls these "provider states"): the parts of a deployment the
 * suite cannot reach through this project's API alone. Every hook is optional; a guarantee whose hook is
 * missing is reported "not applicable" with the reason, never failed for it.
 *
 * A target module default-exports `defineTarget({...})`; name it with JOURNAL_TARGET=./targets/<file>.ts.
 */

import type { ServiceAddresses, ServiceMap, TargetImageSpec } from './services.js';

/** A user as the tests need it: the id to write with and the calendar its analytics should use. */
export interface TargetUser {
  id: string;
  timezone: string;
  language: 'en' | 'de';
  [k: string]: unknown;
}

export interface UserWish {
  username: string;
  timezone: string;
  language: 'en' | 'de';
}

export type RowKind = 'topic' | 'entry' | 'session' | 'message';

/** The owner of one stored row. */
export interface OwnedRow {
  kind: RowKind;
  id: string;
  user_id: string;
}

/** Live rows (not soft-deleted; messages of live sessions), of one user or of everyone. */
export interface RowCounts {
  topics: number;
  entries: number;
  sessions: number;
  messages: number;
  /** Messages with role `user`: what `/chat/stats` calls messages_processed. */
  userMessages: number;
}

export interface RowReader {
  /** The user id on each stored row of these objects; for sessions also on each of their messages. */
  owners(ids: { topics?: string[]; entries?: string[]; sessions?: string[] }): Promise<OwnedRow[]>;
  counts(userId?: string): Promise<RowCounts>;
  close?(): Promise<void>;
}

export interface TargetContext {
  /** Base URL without the /api/v1 prefix. */
  apiUrl: string;
  /** The env the run was started with (targets read their own URLs from it, with their defaults). */
  env: NodeJS.ProcessEnv;
  /** POST /api/v1/users/ through the suite's client: the default user hook. */
  createUserViaApi(wish: UserWish): Promise<TargetUser>;
  /**
   * Under JOURNAL_TARGET_IMAGE: the host-side address of each service's published ports. `hostUrl` in
   * helpers/deployment/services.ts turns a URL the image uses (`postgres://…@postgres:5432/…`) into it.
   */
  services?: ServiceAddresses;
  /** Under JOURNAL_TARGET_IMAGE: the id of the container this run started from the image. */
  targetContainer?: string;
}

export interface TargetHooks {
  /** Shown in the verdict. */
  name: string;
  /** A line on what the target is and how it differs; printed in the verdict's header. */
  description?: string;
  /** How a test gets a fresh user. Default: this project's POST /api/v1/users/. */
  createUser?(ctx: TargetContext, wish: UserWish): Promise<TargetUser>;
  /** Restart the deployment and return once it answers again. Default: JOURNAL_RESTART_COMMAND. */
  restart?(ctx: TargetContext): Promise<void>;
  /** Extra headers on every request (bearer tokens for deployments with auth). */
  headers?(ctx: TargetContext, req: { method: string; url: string }): Record<string, string> | Promise<Record<string, string>>;
  /** Row reads for guarantees about what is stored. Default: this project's schema at JOURNAL_DATABASE_URL. */
  rows?(ctx: TargetContext): RowReader | Promise<RowReader>;
  /**
   * Where the deployment reads its model server, when that is an address this run may serve: the suite
   * then serves its Ollama stub there for the run, so the model-fault guarantees (need 'model-stub') apply,
   * each test's overrides included. `env` names a variable of the run's environment holding the URL the
   * deployment was started with (it wins when set); `url` is the address otherwise. Neither set (or the
   * variable unset without a `url`): the model-fault guarantees are not applicable, with that reason.
   * JOURNAL_MODEL_URL gives the same for a deployment without a target module.
   */
  model?: { url?: string; env?: string };
  /**
   * Differences from this project's contract that the target has by design, each for exactly one property
   * as the tests name it (`topic.user_id`: the message of an expectation made with helpers/soft.ts `about`
   * or `expectFields`). A violation of exactly that property is shown as a declared difference beside the
   * defects, never as one; every other violation of the same test, class or route stays a defect, and a
   * test with any defect is failed.
   */
  differences?: DeclaredDifference[];
  /** What a reader should know about a class on this target, printed beside its failures; it excuses nothing. */
  notes?: Record<number, string>;
  /**
   * Under JOURNAL_TARGET_IMAGE: the containers the image needs (PostgreSQL, Redis, ...), started before it
   * on one network and removed at the end. Each is reached from the image by its alias (default: its name),
   * so `image.env` names it there: `DATABASE_URL=postgres://u:p@postgres:5432/db`. See services.ts.
   */
  services?: ServiceMap | ((env: NodeJS.ProcessEnv) => ServiceMap);
  /** Under JOURNAL_TARGET_IMAGE: the image's environment, port, health path and startup limit. */
  image?: TargetImageSpec | ((env: NodeJS.ProcessEnv) => TargetImageSpec);
}

export interface DeclaredDifference {
  /** The property exactly as the tests name it, e.g. `topic.user_id`, `session.session_type`. */
  property: string;
  /** The regression class it falls under, for the verdict's grouping. */
  class: number;
  /** Why, from the target's own code or document. */
  why: string;
}

export function defineTarget(t: TargetHooks): TargetHooks {
  return t;
}
