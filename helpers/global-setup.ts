import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgresServer } from '../src/stack/postgres.js';
import { buildBackendBundle } from '../src/stack/bundle.js';
import type { StartedImage } from './deployment/image.js';
import type { ServiceAddresses } from './deployment/services.js';
import { migrateTemplate, preparedDataDir, TEMPLATE_DB } from './template-cluster.js';
import { type Conformance, planRun, testSeed } from './env.js';

/**
 * What the global setup hands to every worker (plain data: it crosses process boundaries), one shape per
 * provider, so a worker never guesses which fields a run has.
 */
export type StackInfo =
  | {
      provider: 'embedded';
      seed: number;
      conformance: Conformance;
      /** A superuser URL of the shared server, and the migrated template each file clones. */
      adminUrl: string;
      templateDb: string;
      /** The backend bundled once per run from the current sources (fast child boots and restarts). */
      backendEntry: string;
    }
  | {
      provider: 'containers';
      seed: number;
      conformance: Conformance;
      adminUrl: string;
      templateDb: string;
      /** The image every file starts its backends from, and the run id their labels carry. */
      backendImage: string;
      runId: string;
    }
  | {
      provider: 'external';
      seed: number;
      conformance: Conformance;
      /** The deployment under test, without the /api/v1 prefix. */
      apiUrl: string;
      databaseUrl?: string;
      restartCommand?: string;
      /** Under JOURNAL_TARGET_IMAGE: the container started from the image, and where its services' ports are. */
      targetContainer?: string;
      services?: ServiceAddresses;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** Fails early, naming the way out, when a run that starts containers has no engine to talk to. */
async function requireContainerRuntime(what: string): Promise<void> {
  // A local engine publishes ports on this host, and `dockerd --ip=127.0.0.1` on loopback only. Where this
  // process itself runs in a container (/.dockerenv), testcontainers would instead dial the bridge gateway
  // (172.17.0.1) and wait forever for "Port … not bound". Set before the first client is made (it caches).
  const dockerHost = process.env.DOCKER_HOST;
  if (!dockerHost || dockerHost.startsWith('unix://')) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch (err) {
    throw new Error(
      `${what} needs a container runtime, and none answered (${(err as Error).message}). ` +
        'Start one (DOCKER_HOST or /var/run/docker.sock; README "Air-gapped / no registry"), or unset it.',
    );
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const seed = testSeed();
  const plan = planRun(process.env);
  const { provider, conformance } = plan;
  if (provider === 'containers') await requireContainerRuntime('JOURNAL_STACK=containers');
  console.log(`[journal-suite] stack provider: ${provider}; seed: ${seed} (set JOURNAL_TEST_SEED to replay)`);

  if (plan.provider === 'external') {
    // A target given as an image runs for this run only (Testcontainers), with the service containers its
    // target module declares, then is judged like any URL.
    let image: StartedImage | null = null;
    if (plan.target.kind === 'image') {
      await requireContainerRuntime('JOURNAL_TARGET_IMAGE');
      const { importTarget } = await import('./deployment/target.js');
      const { startTargetImage } = await import('./deployment/image.js');
      image = await startTargetImage(process.env, await importTarget(process.env.JOURNAL_TARGET), randomBytes(6).toString('hex'));
    }
    const apiUrl = image?.apiUrl ?? (plan.target.kind === 'url' ? plan.target.url : '');
    project.provide('stack', {
      provider: 'external',
      seed,
      conformance,
      apiUrl: apiUrl.replace(/\/api\/v1\/?$/, '').replace(/\/$/, ''),
      ...(process.env.JOURNAL_DATABASE_URL && { databaseUrl: process.env.JOURNAL_DATABASE_URL }),
      ...(process.env.JOURNAL_RESTART_COMMAND && { restartCommand: process.env.JOURNAL_RESTART_COMMAND }),
      ...(image && { targetContainer: image.containerId, services: image.services }),
    });
    return async () => void (await image?.stop());
  }

  if (provider === 'containers') {
    const { startContainersInfrastructure } = await import('./containers.js');
    const runId = randomBytes(6).toString('hex');
    const infra = await startContainersInfrastructure(runId);
    await infra.createDatabase(TEMPLATE_DB);
    await migrateTemplate(infra.adminUrl.replace(/\/[^/]*$/, `/${TEMPLATE_DB}`));
    // The image holds its own bundle of the same sources (Dockerfile: npm run build); none is needed here.
    project.provide('stack', {
      provider: 'containers',
      seed,
      conformance,
      adminUrl: infra.adminUrl,
      templateDb: TEMPLATE_DB,
      backendImage: infra.backendImage,
      runId,
    });
    return () => infra.stop();
  }

  // The backend bundle (for files that need a process) and the shared server (a copy of a cached cluster
  // whose template is migrated) are made side by side.
  const bundleDir = await mkdtemp(join(tmpdir(), 'journal-backend-'));
  const removeBundle = () => rm(bundleDir, { recursive: true, force: true });
  const t0 = performance.now();
  const [{ entry: backendEntry }, pg] = await Promise.all([
    buildBackendBundle(bundleDir).then((b) => {
      console.log(`[journal-suite] backend bundled in ${Math.round(performance.now() - t0)} ms`);
      return b;
    }),
    preparedDataDir().then(async (dataDir) => {
      const server = await EmbeddedPostgresServer.start({ dataDir, persistent: false });
      await migrateTemplate(server.adminUrl(TEMPLATE_DB));
      return server;
    }),
  ]);
  console.log(`[journal-suite] embedded PostgreSQL on port ${pg.port}, template ready in ${Math.round(performance.now() - t0)} ms`);
  project.provide('stack', { provider: 'embedded', seed, conformance, adminUrl: pg.adminUrl(), templateDb: TEMPLATE_DB, backendEntry });
  return async () => {
    // Not persistent: stop() removes the copied data directory.
    await pg.stop();
    await removeBundle();
  };
}
