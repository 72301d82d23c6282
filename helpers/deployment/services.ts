import { z } from 'zod';

/**
 * The containers a target image needs beside it (PostgreSQL, Redis, ...), declared by its target module.
 * Under JOURNAL_TARGET_IMAGE the suite starts them and the image on ONE network, where each service is
 * reached by its alias (a host name), so the image's environment names them as a deployment's compose file
 * would: `DATABASE_URL=postgres://journal:journal@postgres:5432/journal`. Ports a service lists are also
 * published on the host's loopback, so the suite itself (a row reader, say) reaches them; `hostUrl`
 * rewrites an in-network URL to that address. Everything here is pure; helpers/deployment/image.ts runs it.
 */

/** JOURNAL_TARGET_ENV: `KEY=value` lines; anything else on a line is ignored. */
export function parseEnvLines(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Docker's network aliases are DNS labels: what a URL's host part can hold. */
const HOST_LABEL = /^[a-z][a-z0-9-]{0,62}$/;

const port = z.number().int().min(1).max(65_535);

const readySchema = z.union([
  z.strictObject({ command: z.string().min(1) }),
  z.strictObject({ log: z.string().min(1), times: z.number().int().min(1).optional() }),
]);

const serviceSchema = z.strictObject({
  image: z.string().trim().min(1, 'an image name is required'),
  env: z.record(z.string(), z.string()).optional(),
  alias: z.string().regex(HOST_LABEL, 'a network alias is a lower-case host name (a-z, 0-9, -)').optional(),
  /** Container ports published on 127.0.0.1 for the suite; the image reaches them by alias either way. */
  ports: z.array(port).optional(),
  command: z.array(z.string()).optional(),
  /**
   * When the service is ready: a shell command run in it until it exits 0 (e.g. `pg_isready`), or a log
   * line (`times` occurrences). Default: its listed ports listen; with no ports, as soon as it runs.
   */
  ready: readySchema.optional(),
  startupMs: z.number().int().positive().optional(),
});

const servicesSchema = z.record(z.string().regex(HOST_LABEL, 'a service name is a lower-case host name (a-z, 0-9, -)'), serviceSchema);

const imageSchema = z.strictObject({
  /** The image's environment; values name the services by alias. JOURNAL_TARGET_ENV lines override. */
  env: z.record(z.string(), z.string()).optional(),
  port: port.optional(),
  health: z.string().startsWith('/').optional(),
  startupMs: z.number().int().positive().optional(),
});

export type ServiceSpec = z.input<typeof serviceSchema>;
export type ServiceMap = Record<string, ServiceSpec>;
export type TargetImageSpec = z.input<typeof imageSchema>;

/** One service as the suite starts it: every default filled in. */
export interface ServicePlan {
  name: string;
  image: string;
  alias: string;
  env: Record<string, string>;
  ports: number[];
  command: string[] | null;
  ready: { kind: 'command'; command: string } | { kind: 'log'; log: string; times: number } | { kind: 'ports' } | { kind: 'running' };
  startupMs: number;
}

/** How the target image itself is started. */
export interface TargetImagePlan {
  image: string;
  env: Record<string, string>;
  port: number;
  health: string;
  startupMs: number;
}

// A bad record key (a service name) carries its reason one level down in zod 4.
const issueMessage = (i: z.core.$ZodIssue): string => (i.code === 'invalid_key' ? i.issues.map((k) => k.message).join(', ') : i.message);
const issuesText = (prefix: string, err: z.ZodError) =>
  err.issues.map((i) => `${[prefix, ...i.path.map(String)].join('.')}: ${issueMessage(i)}`).join('; ');

/** Reads a target module's `services`; an invalid declaration fails naming each field, before anything starts. */
export function parseServices(raw: unknown): ServicePlan[] {
  if (raw === undefined) return [];
  const parsed = servicesSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`the target module's services are invalid: ${issuesText('services', parsed.error)}`);
  const plans = Object.entries(parsed.data).map(([name, s]): ServicePlan => {
    const ports = [...new Set(s.ports ?? [])];
    const ready: ServicePlan['ready'] = s.ready
      ? 'command' in s.ready
        ? { kind: 'command', command: s.ready.command }
        : { kind: 'log', log: s.ready.log, times: s.ready.times ?? 1 }
      : ports.length > 0
        ? { kind: 'ports' }
        : { kind: 'running' };
    return {
      name,
      image: s.image,
      alias: s.alias ?? name,
      env: s.env ?? {},
      ports,
      command: s.command ?? null,
      ready,
      startupMs: s.startupMs ?? 120_000,
    };
  });
  const seen = new Map<string, string>();
  for (const p of plans) {
    const other = seen.get(p.alias);
    if (other)
      throw new Error(`the target module's services are invalid: services.${p.name}.alias: "${p.alias}" is already the alias of ${other}`);
    seen.set(p.alias, p.name);
  }
  return plans;
}

/**
 * The target image's start: the module's `image` fields, then the run's environment (JOURNAL_TARGET_ENV
 * lines win over the module's env; JOURNAL_TARGET_PORT / _HEALTH / _STARTUP_MS over its other fields).
 */
export function planTargetImage(image: string, raw: unknown, env: NodeJS.ProcessEnv): TargetImagePlan {
  const parsed = imageSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`the target module's image is invalid: ${issuesText('image', parsed.error)}`);
  const spec = parsed.data;
  const number = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const port = number('JOURNAL_TARGET_PORT', spec.port ?? 8000);
  if (port > 65_535) throw new Error(`JOURNAL_TARGET_PORT must be a port number, got "${port}"`);
  return {
    image,
    env: { ...spec.env, ...parseEnvLines(env.JOURNAL_TARGET_ENV) },
    port,
    health: env.JOURNAL_TARGET_HEALTH || spec.health || '/health',
    startupMs: number('JOURNAL_TARGET_STARTUP_MS', spec.startupMs ?? 180_000),
  };
}

/**
 * Host names in the image's environment that look like a service (`scheme://name:port`) but are no
 * declared alias: a typo there makes the image fail its boot far from the cause, so it fails here.
 */
export function unknownServiceHosts(env: Record<string, string>, services: readonly ServicePlan[]): string[] {
  const aliases = new Set(services.map((s) => s.alias));
  const out: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([a-z][a-z0-9-]*)(?::\d+)?(?=[/?\s]|$)/gi)) {
      const host = m[1]!.toLowerCase();
      if (host !== 'localhost' && !aliases.has(host)) out.push(`${key}: "${host}"`);
    }
  }
  return out;
}

/** Where the suite (on the host) reaches each service's published ports: alias -> container port -> host port. */
export interface ServiceAddresses {
  host: string;
  ports: Record<string, Record<number, number>>;
}

/**
 * A URL as the image sees it (`postgres://u:p@postgres:5432/db`) rewritten to where the suite reaches the
 * same service from the host (`postgres://u:p@127.0.0.1:49153/db`). A host that is no service, or a port
 * the service does not publish, is an error naming what to declare.
 */
export function hostUrl(inNetwork: string, addresses: ServiceAddresses): string {
  const url = new URL(inNetwork);
  const published = addresses.ports[url.hostname];
  if (!published)
    throw new Error(
      `${url.hostname} in ${url.protocol}//… is not a service of this run (services: ${Object.keys(addresses.ports).join(', ') || 'none'})`,
    );
  const containerPort = Number(url.port || defaultPort(url.protocol));
  const hostPort = published[containerPort];
  if (!hostPort) throw new Error(`service ${url.hostname} does not publish port ${containerPort}: add it to its ports`);
  url.hostname = addresses.host;
  url.port = String(hostPort);
  return url.href;
}

function defaultPort(protocol: string): number {
  const known: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379, 'http:': 80, 'https:': 443 };
  const p = known[protocol];
  if (!p) throw new Error(`no default port for ${protocol}; write the port in the URL`);
  return p;
}
