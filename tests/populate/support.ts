import { http, passthrough } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { assertNoUnhandled, failOnUnhandled, ollamaHandlers } from '../../fixtures/ollama/index.js';
import { dockerEnginePassthrough } from '../../helpers/container-backend.js';
import type { TestStack } from '../../helpers/stack.js';
import type { PopulateOptions } from '../../src/populate/options.js';
import { runPopulate, type PopulateIo } from '../../src/populate/populate.js';

/** Where the in-process CLI looks for Ollama: no such host exists, so only msw can answer it. */
export const MSW_OLLAMA = 'http://ollama.populate.test:11434';

/**
 * msw in this process for the CLI's own model calls, letting its (and the harness's) requests to the
 * backend through untouched. Call at the top level after useStack, so the stack is up first.
 */
export function useOllamaMsw(stack: TestStack): { server: SetupServer; apiRoute: (path: string) => string } {
  const server = setupServer();
  let stopWatching: () => void = () => undefined;
  beforeAll(() => {
    // Harness traffic passes: the backend, and the Docker engine that runs it under the containers provider.
    server.resetHandlers(
      http.all(`${stack.apiUrl}/*`, () => passthrough()),
      ...dockerEnginePassthrough(),
      ...ollamaHandlers(),
    );
    server.listen({ onUnhandledRequest: 'error' });
    stopWatching = failOnUnhandled(server);
  });
  afterEach(() => {
    server.resetHandlers();
    assertNoUnhandled();
  });
  afterAll(() => {
    stopWatching();
    server.close();
  });
  return { server, apiRoute: (path) => `${stack.apiUrl}/api/v1${path}` };
}

export function apiBase(stack: TestStack): string {
  return `${stack.apiUrl}/api/v1`;
}

/** runPopulate in process against the stack, model through msw, output captured. */
export async function populate(stack: TestStack, options: PopulateOptions, io: PopulateIo = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const result = await runPopulate(
    { apiBase: apiBase(stack), ollamaHost: MSW_OLLAMA, concurrency: 4, ...options },
    { out: (t) => void out.push(t), err: (t) => void err.push(t), retry: { baseDelayMs: 20, maxDelayMs: 100 }, ...io },
  );
  return { ...result, out: out.join(''), err: err.join('') };
}

export interface Rows {
  topics: number;
  entries: number;
  sessions: number;
  messages: number;
}

/** Live rows of one user, or of everyone else when `others` is set. */
export async function rowCounts(stack: TestStack, userId: string, others = false): Promise<Rows> {
  const who = others ? sql`user_id <> ${userId}` : sql`user_id = ${userId}`;
  const r = await sql<Rows>`
    SELECT (SELECT count(*)::int FROM topics WHERE ${who} AND deleted_at IS NULL) AS topics,
           (SELECT count(*)::int FROM entries WHERE ${who} AND deleted_at IS NULL) AS entries,
           (SELECT count(*)::int FROM chat_sessions WHERE ${who} AND deleted_at IS NULL) AS sessions,
           (SELECT count(*)::int FROM chat_messages WHERE ${who}) AS messages`.execute(stack.db);
  return r.rows[0]!;
}
