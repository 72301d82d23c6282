import Fastify, { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { BODY_LIMIT_BYTES, inspectInput, MAX_PARAM_LENGTH } from '../contract/wire-input.js';
import { ApiError } from '../services/errors.js';
import type { ServiceDeps } from '../services/deps.js';
import { clientErrorHandler, errorHandler } from './error-handler.js';
import { registerRoutes } from './routes/index.js';

export { BODY_LIMIT_BYTES };

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: { method: string; url: string }[];
  }
}

export interface AppOptions {
  logger?: boolean;
  /** How long a request may take to arrive in full, headers and body (REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The app's settings from the environment (main.ts; an in-process app reads the same variables). */
export function appOptionsFromEnv(env: Record<string, string | undefined>): AppOptions {
  const timeout = Number(env.REQUEST_TIMEOUT_MS);
  return {
    logger: env.LOG_REQUESTS === '1',
    ...(env.REQUEST_TIMEOUT_MS !== undefined && Number.isInteger(timeout) && timeout > 0 ? { requestTimeoutMs: timeout } : {}),
  };
}

/** The methods each path of the registered routes answers, as a matcher for any concrete URL. */
function allowedMethods(routes: readonly { method: string; url: string }[]): (path: string) => string[] {
  const patterns = new Map<string, { re: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    const source = `^${r.url
      .replace(/\/+$/, '')
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/:\w+/g, '[^/]+')}/?$`;
    const entry = patterns.get(source) ?? patterns.set(source, { re: new RegExp(source), methods: new Set() }).get(source)!;
    entry.methods.add(r.method);
    if (r.method === 'GET') entry.methods.add('HEAD');
  }
  return (path) => {
    const methods = new Set<string>();
    for (const { re, methods: m } of patterns.values()) if (re.test(path)) for (const x of m) methods.add(x);
    return [...methods].sort();
  };
}

/** Whether one raw path segment decodes: `%C0%AF`, `%ED%A0%80` and a lone `%` are not UTF-8 percent-encoding. */
function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * The router's refusal of a URL (bad percent-encoding, a parameter over the router's length limit) as the
 * 422 of the path parameter it hit, found by matching the raw path against the registered routes' shapes.
 * Undefined when no route parameter is at fault (a bad static segment stays the router's 400).
 */
function pathParamError(err: unknown, url: string, routes: readonly { url: string }[]): ApiError | undefined {
  const code = (err as { code?: string } | null)?.code;
  if (code !== 'FST_ERR_BAD_URL' && code !== 'FST_ERR_MAX_PARAM_LENGTH') return undefined;
  const segments = (url.split('?')[0] ?? '').replace(/\/+$/, '').split('/');
  for (const r of routes) {
    const shape = r.url.replace(/\/+$/, '').split('/');
    if (shape.length !== segments.length) continue;
    if (!shape.every((s, i) => s.startsWith(':') || s === segments[i])) continue;
    const problems = shape.flatMap((s, i) => {
      if (!s.startsWith(':')) return [];
      const raw = segments[i]!;
      if (!decodes(raw)) return [{ path: s.slice(1), message: 'must be valid percent-encoded UTF-8' }];
      if (raw.length > MAX_PARAM_LENGTH) return [{ path: s.slice(1), message: `must be at most ${MAX_PARAM_LENGTH} characters` }];
      return [];
    });
    if (problems.length > 0) {
      return new ApiError(422, 'validation_error', `Invalid request params: ${problems.map((p) => p.path).join(', ')}`, problems);
    }
  }
  return undefined;
}

/**
 * The wire rules every input obeys whatever its route (src/contract/wire-input.ts): text without NUL or
 * lone surrogates, no prototype keys, bounded nesting. Before the route's schema, so no field escapes it.
 */
function guardInput(req: FastifyRequest): void {
  const problems = [...inspectInput(req.params), ...inspectInput(req.query), ...inspectInput(req.body)];
  if (problems.length === 0) return;
  const names = [...new Set(problems.map((p) => p.path))].join(', ');
  throw new ApiError(422, 'validation_error', `Invalid request: ${names}`, problems);
}

/** The HTTP app over injected dependencies: the same code runs in-process for tests and in main.ts. */
export async function buildApp(deps: ServiceDeps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Recorded so the drift test can hold the served routes against the contract's table, and so a router
  // error can name the path parameter it hit.
  const registered: { method: string; url: string }[] = [];
  const app = Fastify({
    logger: opts.logger ? { level: 'warn' } : false,
    // Fastify's default 0 let a client that announces a body and never sends it hold a connection forever.
    // Node checks deadlines every connectionsCheckingInterval (30 s by default), so a short timeout gets
    // a matching interval; headers may not take longer than the whole request.
    requestTimeout,
    http: {
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeout / 4))),
      headersTimeout: Math.min(60_000, requestTimeout),
    },
    clientErrorHandler,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Malformed percent-encoding and over-long path parameters fail in the router, before any route:
    // without this Fastify answers them in its own body, not the envelope (and with an undeclared 414).
    // A path parameter is a field like any other, so the answer is 422 naming it (issue 16 row 9).
    frameworkErrors: (err, req, reply) => errorHandler(pathParamError(err, req.url, registered) ?? err, req, reply),
    // Fastify's own answer to a request that arrives while the app closes is a 503 in its own body; the
    // hook below gives the same 503 in the envelope (a graceful restart under load met it on every run).
    return503OnClosing: false,
  });
  // From the first moment of close(): a request not yet started is refused, nothing of it runs. Requests
  // in flight finish (close() waits for them), so an answer already promised is still given.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_req, reply) => {
    if (!closing) return;
    void reply.header('connection', 'close');
    throw new ApiError(503, 'shutting_down', 'The service is shutting down; nothing was done. Retry shortly.');
  });
  // JSON.parse instead of Fastify's secure-json-parse: that one calls a valid body with a `__proto__` key
  // "not valid JSON"; here such a key is refused by name in guardInput. A JSON type with an empty body
  // (a DELETE from a client that always sets the header) is no body, not malformed JSON.
  app.removeContentTypeParser('application/json');
  // Fastify reads text/plain as a string, which the route's schema then called "expected object, received
  // string" (422): what fetch sends for a string body. Every type but JSON is one rule: 415 naming
  // content-type (issue 16 row 4).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
    }
  });
  app.addHook('preValidation', async (req) => guardInput(req));
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  let allowed: ((path: string) => string[]) | undefined;
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    allowed ??= allowedMethods(registered);
    const methods = allowed(path);
    if (methods.length > 0) {
      const list = methods.join(', ');
      void reply
        .status(405)
        .header('allow', list)
        .send({
          error: 'method_not_allowed',
          message: `${req.method} is not allowed on ${path}`,
          details: [{ path: 'method', message: `allowed: ${list}` }],
        });
      return;
    }
    void reply.status(404).send({
      error: 'route_not_found',
      message: `No route ${req.method} ${req.url.split('?')[0]}`,
      details: [{ path: 'url', message: 'unknown route' }],
    });
  });
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') registered.push({ method, url: r.url });
  });
  app.decorate('registeredRoutes', registered);
  registerRoutes(app, deps);
  await app.ready();
  return app;
}
