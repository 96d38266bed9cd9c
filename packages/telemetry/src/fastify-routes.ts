import { subscribe } from 'node:diagnostics_channel';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (request: { routeOptions?: { url?: string } }, reply: unknown, done: () => void) => void,
  ): void;
}

/**
 * Names each HTTP server span and its metrics by the fastify route that answered
 * (`POST /orders/:id/cancel`, label `http_route`), not only by method: fastify announces every
 * instance it creates on a diagnostics channel, and the route goes where the HTTP
 * instrumentation looks for it. No service registers anything.
 */
export function nameSpansByFastifyRoute(): void {
  subscribe('fastify.initialization', (message) => {
    const { fastify } = message as { fastify: FastifyLike };
    fastify.addHook('onRequest', (request, _reply, done) => {
      const rpc = getRPCMetadata(context.active());
      const route = request.routeOptions?.url;
      if (rpc?.type === RPCType.HTTP && route) rpc.route = route;
      done();
    });
  });
}
