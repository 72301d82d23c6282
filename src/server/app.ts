import Fastify, { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { inspectInput } from '../contract/wire-input.js';
import { ApiError } from '../services/errors.js';
import type { ServiceDeps } from '../services/deps.js';
import { errorHandler } from './error-handler.js';
import { registerRoutes } from './routes/index.js';

export const BODY_LIMIT_BYTES = 256 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: { method: string; url: string }[];
  }
}

export interface AppOptions {
  logger?: boolean;
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
  const app = Fastify({
    logger: opts.logger ? { level: 'warn' } : false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    // Malformed percent-encoding and over-long path parameters fail in the router, before any route:
    // without this Fastify answers them in its own body, not the envelope (and with an undeclared 414).
    frameworkErrors: errorHandler,
  });
  // JSON.parse instead of Fastify's secure-json-parse: that one calls a valid body with a `__proto__` key
  // "not valid JSON"; here such a key is refused by name in guardInput. A JSON type with an empty body
  // (a DELETE from a client that always sets the header) is no body, not malformed JSON.
  app.removeContentTypeParser('application/json');
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
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({
      error: 'route_not_found',
      message: `No route ${req.method} ${req.url.split('?')[0]}`,
      details: [{ path: 'url', message: 'unknown route' }],
    });
  });
  // Recorded so the drift test can hold the served routes against the contract's table.
  const registered: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') registered.push({ method, url: r.url });
  });
  app.decorate('registeredRoutes', registered);
  registerRoutes(app, deps);
  await app.ready();
  return app;
}
