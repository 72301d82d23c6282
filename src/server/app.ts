import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
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
