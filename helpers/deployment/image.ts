import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { StartedNetwork, StartedTestContainer, WaitStrategy } from 'testcontainers';
import { OutputTail } from '../../src/stack/output-tail.js';
import { freePort } from '../../src/stack/ports.js';
import { RUN_LABEL, SUITE_LABEL, removeRunContainers } from '../container-backend.js';
import type { TargetHooks } from './hooks.js';
import { parseServices, planTargetImage, type ServiceAddresses, type ServicePlan, unknownServiceHosts } from './services.js';

export { parseEnvLines } from './services.js';

/** Which declared service a container is (beside the suite's role and run labels). */
export const SERVICE_LABEL = 'org.journal.suite.service';

/**
 * A target given as a container image (JOURNAL_TARGET_IMAGE): Testcontainers starts the services its target
 * module declares and then the image, all on one network of this run, and the suite judges it like any URL.
 * The image serves the API on its port (default 8000), published on loopback at a port fixed for the run
 * (so a restart of the container comes back on the same URL), and answers its health path with a 2xx once
 * ready. Every container carries the suite's labels with this run's id; stop() removes them and the network,
 * and so does a start that fails part-way (with the target's last output in the error).
 */
export interface StartedImage {
  apiUrl: string;
  containerId: string;
  services: ServiceAddresses;
  stop(): Promise<void>;
}

const orNull = <T>(v: T | ((env: NodeJS.ProcessEnv) => T) | undefined, env: NodeJS.ProcessEnv): T | undefined =>
  typeof v === 'function' ? (v as (env: NodeJS.ProcessEnv) => T)(env) : v;

export async function startTargetImage(env: NodeJS.ProcessEnv, hooks: TargetHooks | null, runId: string): Promise<StartedImage> {
  // Everything is read and checked before the first container starts.
  const services = parseServices(orNull(hooks?.services, env));
  const plan = planTargetImage(env.JOURNAL_TARGET_IMAGE!, orNull(hooks?.image, env), env);
  const unknown = unknownServiceHosts(plan.env, services);
  if (unknown.length > 0) {
    throw new Error(
      `the target image's environment names hosts that are no service of its target module (${unknown.join(', ')}); ` +
        `declared aliases: ${services.map((s) => s.alias).join(', ') || 'none'}`,
    );
  }
  const { GenericContainer, Network, Wait } = await import('testcontainers');
  const labels = (role: string, extra: Record<string, string> = {}) => ({ [SUITE_LABEL]: role, [RUN_LABEL]: runId, ...extra });
  const started: StartedTestContainer[] = [];
  let network: StartedNetwork | undefined;
  const t0 = performance.now();

  const stop = async () => {
    for (const c of started.reverse()) await c.stop({ timeout: 10_000 }).catch(() => undefined);
    started.length = 0;
    // Whatever a failed start left (testcontainers removes a container that never got ready, but not one
    // whose create or start itself failed): every container of this run, then the network they were on.
    const left = await removeRunContainers(runId);
    if (left > 0) console.warn(`[journal-suite] removed ${left} container(s) of the target image run left behind`);
    await network
      ?.stop()
      .catch((err: Error) => console.warn(`[journal-suite] could not remove network ${network?.getName()}: ${err.message}`));
  };

  const readiness = (s: ServicePlan): WaitStrategy => {
    switch (s.ready.kind) {
      case 'command':
        return Wait.forSuccessfulCommand(s.ready.command);
      case 'log':
        return Wait.forLogMessage(s.ready.log, s.ready.times);
      default:
        // With no exposed ports this is met as soon as the container runs.
        return Wait.forListeningPorts();
    }
  };

  const targetTail = new OutputTail(200);
  try {
    network = await new Network().start();
    const net = network;
    // Side by side; a service that fails does not leave the others starting unseen (allSettled).
    const outcomes = await Promise.allSettled(
      services.map(async (s) => {
        let c = new GenericContainer(s.image)
          .withNetwork(net)
          .withNetworkAliases(s.alias)
          .withEnvironment(s.env)
          .withLabels(labels('service', { [SERVICE_LABEL]: s.name }))
          .withWaitStrategy(readiness(s))
          .withStartupTimeout(s.startupMs);
        if (s.ports.length > 0) c = c.withExposedPorts(...s.ports);
        if (s.command) c = c.withCommand(s.command);
        const running = await c.start();
        started.push(running);
        return { plan: s, running };
      }),
    );
    const failed = outcomes.flatMap((o, i) =>
      o.status === 'rejected' ? [`${services[i]!.name} (${services[i]!.image}): ${(o.reason as Error).message}`] : [],
    );
    if (failed.length > 0) throw new Error(`service container(s) did not start: ${failed.join('; ')}`);
    const addresses: ServiceAddresses = { host: '127.0.0.1', ports: {} };
    for (const o of outcomes) {
      if (o.status !== 'fulfilled') continue;
      addresses.ports[o.value.plan.alias] = Object.fromEntries(o.value.plan.ports.map((p) => [p, o.value.running.getMappedPort(p)]));
    }
    const servicesMs = Math.round(performance.now() - t0);

    const hostPort = await freePort();
    const target = await new GenericContainer(plan.image)
      .withNetwork(net)
      .withExposedPorts({ container: plan.port, host: hostPort })
      .withEnvironment(plan.env)
      .withLabels(labels('target'))
      .withLogConsumer((stream: Readable) => createInterface({ input: stream }).on('line', (l) => targetTail.push(l)))
      .withWaitStrategy(Wait.forHttp(plan.health, plan.port).forStatusCodeMatching((s) => s >= 200 && s < 300))
      .withStartupTimeout(plan.startupMs)
      .start();
    started.push(target);
    const apiUrl = `http://127.0.0.1:${target.getMappedPort(plan.port)}`;
    const names = services.map((s) => `${s.name} (${s.image} as ${s.alias})`).join(', ');
    console.log(
      `[journal-suite] target image ${plan.image} serving at ${apiUrl} after ${Math.round(performance.now() - t0)} ms` +
        (services.length > 0 ? `, on network ${net.getName()} with ${names}, ready after ${servicesMs} ms` : ''),
    );
    return { apiUrl, containerId: target.getId(), services: addresses, stop };
  } catch (err) {
    await stop();
    const tail = targetTail.text(40);
    throw new Error(`${(err as Error).message}${tail ? `\n--- last output of ${plan.image} ---\n${tail}` : ''}`, { cause: err });
  }
}
