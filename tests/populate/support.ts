import { http, passthrough } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { assertNoUnhandled, failOnUnhandled, ollamaHandlers } from '../../fixtures/ollama/index.js';
import { dockerEnginePassthrough } from '../../helpers/container-backend.js';
import type { TestStack } from '../../helpers/stack.js';
import type { PopulateOptions } from '../../src/populate/options.js';
import type { PopulateIo } from '../../src/populate/populate.js';
import { populate, populationTarget } from '../../helpers/population.js';

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
  return populationTarget(stack).apiBase;
}

/** The population in process against the stack with its model calls answered by msw (not offline), output captured. */
export function populateOnline(stack: TestStack, options: PopulateOptions, io: PopulateIo = {}) {
  return populate(
    populationTarget(stack),
    { ollamaHost: MSW_OLLAMA, offline: false, concurrency: 4, ...options },
    { now: () => new Date(), retry: { baseDelayMs: 20, maxDelayMs: 100 }, ...io },
  );
}

/** Live rows of one user, or of everyone else when `others` is set (RowReader.counts, the one place that counts). */
export async function rowCounts(stack: TestStack, userId: string, others = false) {
  const mine = await populationTarget(stack).rows(userId);
  if (!others) return mine;
  const all = await stack.rows.counts();
  return {
    topics: all.topics - mine.topics,
    entries: all.entries - mine.entries,
    sessions: all.sessions - mine.sessions,
    messages: all.messages - mine.messages,
  };
}
