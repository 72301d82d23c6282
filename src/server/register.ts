import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ErrorEnvelope } from '../contract/errors.js';
import { fastifyPath, type RouteSpec } from '../contract/routes.js';

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

/** The validated, typed input of a route, as its contract schemas produced it. */
export interface Input<R extends RouteSpec> {
  params: Out<R['params']>;
  query: Out<R['querystring']>;
  body: Out<R['body']>;
  headers: Out<R['headers']>;
}

export interface Answer {
  status: number;
  body: unknown;
  type?: string;
}

type Handler<R extends RouteSpec> = (input: Input<R>, req: FastifyRequest) => Promise<unknown>;

export const answer = (status: number, body: unknown, type?: string): Answer => ({ status, body, ...(type ? { type } : {}) });
const isAnswer = (v: unknown): v is Answer =>
  typeof v === 'object' && v !== null && 'status' in v && 'body' in v && Object.keys(v).length <= 3;

/**
 * Registers a route of the contract's table: request and response schemas come from the table, so a route
 * cannot accept or answer anything its OpenAPI document does not describe.
 */
export function register<R extends RouteSpec>(app: FastifyInstance, spec: R, handler: Handler<R>): void {
  const response: Record<number, z.ZodType> = { ...spec.success };
  for (const status of spec.errors) response[status] = ErrorEnvelope;
  app.route({
    method: spec.method,
    url: fastifyPath(spec.path),
    schema: {
      ...(spec.params && { params: spec.params }),
      ...(spec.querystring && { querystring: spec.querystring }),
      ...(spec.body && { body: spec.body }),
      ...(spec.headers && { headers: spec.headers }),
      response,
    },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const input = { params: req.params, query: req.query, body: req.body, headers: req.headers } as Input<R>;
      const result = await handler(input, req);
      const defaultStatus = Number(Object.keys(spec.success)[0]);
      const a = isAnswer(result) ? result : { status: defaultStatus, body: result };
      if (a.type) void reply.type(a.type);
      if (a.body === null) return reply.status(a.status).send();
      return reply.status(a.status).send(a.body);
    },
  });
}
