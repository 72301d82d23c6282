import path from 'node:path';
import pg from 'pg';
import { repoRoot } from '../src/stack/paths.js';
import { RUN_LABEL, SUITE_LABEL, removeRunBackends } from './container-backend.js';

/**
 * The `containers` provider's shared infrastructure: PostgreSQL in a container and the backend image the
 * files start their backends from (helpers/container-backend.ts). Image names come from the environment so
 * a machine without registry access can use images built locally (scripts/build-images-offline.sh):
 *
 *   JOURNAL_POSTGRES_IMAGE  default postgres:17-alpine
 *   JOURNAL_BACKEND_IMAGE   a prebuilt backend image, used as is; unset: built here from the Dockerfile
 *   JOURNAL_NODE_IMAGE      the Dockerfile's NODE_IMAGE when the backend image is built here
 */
export interface ContainersInfrastructure {
  adminUrl: string;
  backendImage: string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export const BUILT_BACKEND_TAG = 'journal/backend:suite';

/**
 * The current sources as an image, so the suite never tests a stale build; layer caching keeps it cheap.
 * A build that fails fails the run with the builder's own message (helpers/image-build.ts): an older image
 * under the same tag is never used in its place. Also tagged journal/backend:suite, for a look by hand.
 */
async function buildBackendImage(): Promise<string> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const { buildImage } = await import('./image-build.js');
  const nodeImage = process.env.JOURNAL_NODE_IMAGE;
  const started = performance.now();
  const client = await getContainerRuntimeClient();
  const id = await buildImage(client.container.dockerode, {
    context: path.resolve(repoRoot),
    tag: BUILT_BACKEND_TAG,
    ...(nodeImage && { buildArgs: { NODE_IMAGE: nodeImage } }),
  });
  console.log(
    `[journal-suite] backend image ${BUILT_BACKEND_TAG} (${id.replace(/^sha256:/, '').slice(0, 12)}) built from the Dockerfile${nodeImage ? ` on ${nodeImage}` : ''} in ${Math.round(performance.now() - started)} ms`,
  );
  // The id, not the tag: a concurrent run re-tagging journal/backend:suite cannot swap this run's code.
  return id;
}

export async function startContainersInfrastructure(runId: string): Promise<ContainersInfrastructure> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const image = process.env.JOURNAL_POSTGRES_IMAGE ?? 'postgres:17-alpine';
  const backendImage = process.env.JOURNAL_BACKEND_IMAGE || (await buildBackendImage());
  console.log(`[journal-suite] containers: PostgreSQL ${image}, backend ${backendImage}`);
  const container = await new PostgreSqlContainer(image)
    .withUsername('postgres')
    .withPassword('postgres')
    .withDatabase('postgres')
    .withLabels({ [SUITE_LABEL]: 'postgres', [RUN_LABEL]: runId })
    // A throwaway cluster: only an OS crash could lose unsynced writes, and the suite never simulates one.
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'max_connections=200'])
    .start();
  const adminUrl = container.getConnectionUri().replace('localhost', '127.0.0.1');
  return {
    adminUrl,
    backendImage,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      // Backends a crashed worker left behind first: they hold connections PostgreSQL would wait for.
      const leftover = await removeRunBackends(runId);
      if (leftover > 0) console.warn(`[journal-suite] removed ${leftover} container(s) a worker left running`);
      await container.stop({ timeout: 5_000 });
    },
  };
}
