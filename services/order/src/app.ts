import Fastify, { type FastifyBaseLogger } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CompactRequestLog,
  drainOnClose,
  healthRoutes,
  reportRequests,
  requestIdFrom,
  requestIdHeader,
  type EdgeReporter,
  type Logger,
  type ReadinessCheck,
} from '@commlab/kit';
import type { OrderLifecycle } from './domain/order-lifecycle.ts';
import type { Orders } from './domain/orders.ts';
import { cancelRoutes } from './http/cancel-routes.ts';
import { ordersRoutes } from './http/orders-routes.ts';
import { installRequestScope } from './http/request-scope-hook.ts';
import { errorHandler, problem, problemTypes, sendProblem, type ProblemSlug } from './http/problems.ts';
import { validatorCompiler } from './http/validation.ts';

export interface AppConfig {
  BODY_LIMIT_BYTES: number;
  REQUEST_BUDGET_MS: number;
}

export interface AppDeps {
  orders: Orders;
  /** Status changes after placing (cancellation); without it, POST /orders/:id/cancel is absent. */
  lifecycle?: OrderLifecycle;
  readiness: ReadinessCheck[];
  logger: Logger;
  /** Where edge crossings are reported (the lab console); none by default. */
  edges?: EdgeReporter;
}

/** The order service's HTTP API. Builds the app; never listens (main.ts and tests decide that). */
export async function createApp(config: AppConfig, { orders, lifecycle, readiness, logger, edges }: AppDeps) {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    return503OnClosing: true,
    logController: new CompactRequestLog({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => requestIdFrom(request.headers[requestIdHeader]),
  }).withTypeProvider<TypeBoxTypeProvider>();
  // The API speaks JSON only; any other body is refused with 415 instead of being half-parsed.
  drainOnClose(app);
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  installRequestScope(app, config.REQUEST_BUDGET_MS);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('not-found', `no route for ${request.method} ${request.url}`)),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'commlab order API',
        version: '1.0.0',
        description: 'Orders; errors are RFC 9457 problem details.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get<{ Params: { slug: string } }>('/problems/:slug', { schema: { hide: true } }, async (request, reply) => {
    const type = problemTypes[request.params.slug as ProblemSlug];
    if (!type) return sendProblem(reply, problem('not-found', `no problem type ${request.params.slug}`));
    return { type: `/problems/${request.params.slug}`, ...type };
  });

  if (edges) reportRequests(app, edges, { from: 'client', to: 'order' });
  await app.register(healthRoutes, { checks: readiness });
  await app.register(ordersRoutes, { orders });
  if (lifecycle) await app.register(cancelRoutes, { lifecycle });
  return app;
}
