import { afterEach, describe, expect, it } from 'vitest';
import { aiConfigFromEnv } from '../ai/config.js';
import { createAiGateway } from '../ai/gateway.js';
import { createDb } from '../db/connection.js';
import { buildApp } from './app.js';

// buildApp alone: a pool that connects lazily (nothing here queries it) and a gateway nothing calls. What
// the routes answer is the integration suite's (tests/contract/routes.test.ts, one test per route).
const handle = createDb('postgres://unused@127.0.0.1:1/unused');
const deps = { db: handle.db, ai: createAiGateway(aiConfigFromEnv({})), now: () => new Date(), version: 'test' };
const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe('buildApp', () => {
  it('answers a request that arrives while it closes with 503 shutting_down in the envelope', async () => {
    const app = await buildApp(deps);
    const closed = app.close();
    const res = await app.inject({ method: 'GET', url: '/health' });
    await closed;
    expect({ status: res.statusCode, body: res.json() }).toEqual({
      status: 503,
      body: { error: 'shutting_down', message: 'The service is shutting down; nothing was done. Retry shortly.', details: [] },
    });
  });

  it('returns a started app: no route can be added afterwards', async () => {
    const app = await buildApp(deps);
    apps.push(app);
    expect(() => app.get('/late', async () => ({}))).toThrow();
  });

  it('logs (at warn) only when asked to', async () => {
    const quiet = await buildApp(deps);
    const logging = await buildApp(deps, { logger: true });
    apps.push(quiet, logging);
    expect([undefined, 'silent']).toContain(quiet.log.level);
    expect(logging.log.level).toBe('warn');
  });
});
