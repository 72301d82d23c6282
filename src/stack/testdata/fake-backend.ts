import http from 'node:http';

/**
 * Speaks the backend protocol of src/server/main.ts (env PORT/HOST in, one JSON "listening" line out,
 * GET /health, graceful exit 0 on SIGTERM) without a database, so BackendProcess is tested on its own.
 * Misbehaviour on demand: FAKE_CRASH_ON_BOOT, FAKE_IGNORE_SIGTERM, FAKE_HEALTH_STATUS.
 */
if (process.env.FAKE_CRASH_ON_BOOT) {
  process.stderr.write(`fake backend: cannot boot (${process.env.FAKE_CRASH_ON_BOOT})\n`);
  process.exit(3);
}

const healthStatus = Number(process.env.FAKE_HEALTH_STATUS ?? 200);
let requests = 0;

const server = http.createServer((req, res) => {
  requests += 1;
  res.setHeader('content-type', 'application/json');
  if (req.url === '/health') {
    res.statusCode = healthStatus;
    res.end(JSON.stringify(healthStatus === 200 ? { status: 'ok' } : { status: 'starting' }));
  } else if (req.url === '/__fake/stats') {
    res.end(
      JSON.stringify({
        requests,
        pid: process.pid,
        env: process.env.FAKE_ECHO ?? null,
        databaseUrl: process.env.DATABASE_URL ?? null,
        ollamaHost: process.env.OLLAMA_HOST ?? null,
      }),
    );
  } else {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: 'not_found' }));
  }
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://${process.env.HOST ?? '127.0.0.1'}:${port}`, port })}\n`);
});

process.on('SIGTERM', () => {
  if (process.env.FAKE_IGNORE_SIGTERM) return;
  server.close(() => {
    process.stdout.write('fake backend: closed gracefully\n');
    process.exit(0);
  });
});
