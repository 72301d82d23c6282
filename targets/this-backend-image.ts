import { defineTarget } from '../helpers/deployment/hooks.js';
import { hostUrl } from '../helpers/deployment/services.js';
import { sqlRowReader } from '../helpers/deployment/sql-rows.js';

/**
 * This repository's backend as an image (the Dockerfile), judged as a deployment: the image with its
 * PostgreSQL in a service container beside it on one network, both started for the run and removed at the
 * end (README "Testing your own deployment", image mode). Offline, with the images of
 * scripts/build-images-offline.sh:
 *
 *   docker build --build-arg NODE_IMAGE=journal/node:local -t journal/backend:local .
 *   JOURNAL_POSTGRES_IMAGE=journal/postgres:local TESTCONTAINERS_RYUK_DISABLED=true \
 *     JOURNAL_TARGET_IMAGE=journal/backend:local JOURNAL_TARGET=./targets/this-backend-image.ts \
 *     npx vitest run --project integration
 *
 * The image migrates the database itself at boot (src/server/main.ts). Its rows are read through the
 * service's port published on loopback, so row-level guarantees apply; restarts are `docker restart` of
 * the image's container (the default for an image run). Its model server is an address where nothing
 * listens, so it answers with its offline fallback and the model-fault guarantees are not applicable.
 */
const DATABASE_URL = 'postgres://journal:journal@postgres:5432/journal';

export default defineTarget({
  name: "this project's backend image (Dockerfile) with PostgreSQL in a service container",
  description: 'The bundled backend as a deployment: same contract, so every difference found is a defect of the image or its set-up.',
  services: (env) => ({
    postgres: {
      image: env.JOURNAL_POSTGRES_IMAGE || 'postgres:17-alpine',
      env: { POSTGRES_USER: 'journal', POSTGRES_PASSWORD: 'journal', POSTGRES_DB: 'journal' },
      // A throwaway cluster: only an OS crash could lose unsynced writes, and the run never simulates one.
      command: ['postgres', '-c', 'fsync=off'],
      ports: [5432],
      // Over TCP: both the official image and journal/postgres:local initialise without a TCP listener, so
      // this succeeds only once the real server is up.
      ready: { command: 'PGPASSWORD=journal psql -h 127.0.0.1 -U journal -d journal -Atc "select 1"' },
    },
  }),
  image: {
    env: {
      DATABASE_URL,
      // Nothing listens there: the chat answers with its offline fallback, as a deployment without a model.
      OLLAMA_HOST: 'http://127.0.0.1:9',
    },
    port: 8000,
    health: '/health',
  },
  rows(ctx) {
    if (!ctx.services) throw new Error('this target is an image: run it with JOURNAL_TARGET_IMAGE (rows are read from its service)');
    return sqlRowReader(hostUrl(DATABASE_URL, ctx.services));
  },
});
