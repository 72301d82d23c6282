import { SERVICE_VERSION } from '../contract/openapi.js';
import { aiConfigFromEnv } from '../ai/config.js';
import { createAiGateway } from '../ai/gateway.js';
import { createDb, dbOptionsFromEnv } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { appOptionsFromEnv, buildApp } from './app.js';

// Entry of the backend process. Protocol with src/stack/backend.ts: env in, one JSON "listening" line out,
// SIGTERM → graceful close and exit 0.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is required (postgres://user:password@host:port/database)');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8000);
const host = process.env.HOST ?? '127.0.0.1';

if (process.env.SKIP_MIGRATIONS !== '1') {
  // Migrations run without the request timeouts: a backfill may take longer than any request should.
  const migrations = createDb(databaseUrl, { max: 1 });
  await migrateToLatest(migrations.db);
  await migrations.close();
}
const handle = createDb(databaseUrl, dbOptionsFromEnv(process.env));
const app = await buildApp(
  { db: handle.db, ai: createAiGateway(aiConfigFromEnv()), now: () => new Date(), version: SERVICE_VERSION },
  appOptionsFromEnv(process.env),
);
await app.listen({ port, host });
const address = app.server.address();
const actualPort = typeof address === 'object' && address ? address.port : port;
process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://${host}:${actualPort}`, port: actualPort })}\n`);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  // In-flight requests finish (and commit) before the pool closes: nothing acknowledged is cut off.
  await app.close();
  await handle.close();
  process.stdout.write(`${JSON.stringify({ event: 'stopped', signal })}\n`);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
