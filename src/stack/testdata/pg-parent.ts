import { EmbeddedPostgresServer } from '../postgres.js';

/**
 * A parent process that starts PostgreSQL on argv[2] and then either waits (so the test can SIGKILL it,
 * orphaning the server) or exits without stopping it ('exit').
 */
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: pg-parent.ts <dataDir> [wait|exit]');
const server = await EmbeddedPostgresServer.start({ dataDir, persistent: true });
await server.ensureDatabase('orphan_check');
process.stdout.write(`${JSON.stringify({ postmasterPid: server.pid, port: server.port })}\n`);

if (process.argv[3] === 'exit') process.exit(0);
setInterval(() => undefined, 60_000);
