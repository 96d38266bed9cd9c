import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  serviceHttpApp,
  healthRoutes,
  reportRequests,
  requestIdFrom,
  requestIdHeader,
  type EdgeReporter,
  type Logger,
  type ReadinessCheck,
} from '@commlab/kit';
import type { TokenVerifier } from '@commlab/security';
import type { OrderLifecycle } from './domain/order-lifecycle.ts';
import type { Orders } from './domain/orders.ts';
import type { OrderReadModels } from './domain/ports.ts';
import { ordersV1Routes } from './http/orders-v1-routes.ts';
import { ordersV2Routes } from './http/orders-v2-routes.ts';
import { requireAccessTokens } from './http/access.ts';
import { readModelRoutes } from './http/read-model-routes.ts';
import { installRequestScope } from './http/request-scope-hook.ts';
import { shedLoad, type SheddingConfig } from './http/load-shedding.ts';
import { orderErrorProblem, orderProblems } from './http/problems.ts';
import { validatorCompiler } from './http/validation.ts';
import { ownOrdersOnly } from './own-orders.ts';

export interface AppConfig {
  BODY_LIMIT_BYTES: number;
  REQUEST_BUDGET_MS: number;
  /** Requests per minute per client address on the orders API; 0 = no limit. */
  RATE_LIMIT_PER_MINUTE: number;
}

export type AppSettings = AppConfig & SheddingConfig;

export interface AppDeps {
  orders: Orders;
  /** Status changes after placing (cancellation). */
  lifecycle: OrderLifecycle;
  readiness: ReadinessCheck[];
  logger: Logger;
  /** Where edge crossings are reported (the lab console). */
  edges: EdgeReporter;
  /** Checks the access token of every orders API request (lab 09); none: the API is open. */
  verifier?: TokenVerifier | undefined;
  /** An event-sourced store's streams and read models (ORDER_STORE=event-store). */
  readModels?: OrderReadModels;
}

/** The order service's HTTP API. Builds the app; never listens (service.ts's start() does). */
export async function createApp(
  config: AppSettings,
  { orders, lifecycle, readiness, logger, edges, verifier, readModels }: AppDeps,
) {
  const app = (
    await serviceHttpApp({
      logger,
      problems: { problems: orderProblems, service: 'order', translate: orderErrorProblem },
      bodyLimit: config.BODY_LIMIT_BYTES,
      requestIdLogLabel: 'requestId',
      genReqId: (request) => requestIdFrom(request.headers[requestIdHeader]),
    })
  ).withTypeProvider<TypeBoxTypeProvider>();
  // The API speaks JSON only; any other body is refused with 415 instead of being half-parsed.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  installRequestScope(app, config.REQUEST_BUDGET_MS);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'commlab order API',
        version: '2.0.0',
        description:
          'Orders. Errors are RFC 9457 problem details. Version 2 lives under /v2; the unversioned routes ' +
          'are version 1, deprecated (Deprecation, Sunset and successor-version Link headers).',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  reportRequests(app, edges, { from: 'client', to: 'order' });
  await app.register(healthRoutes, { checks: readiness });
  // The orders API, in a scope of its own: the rate limit applies to it, never to probes or docs.
  await app.register(async (api) => {
    // First: a request shed for overload costs nothing more, not even a token check.
    await shedLoad(api, config);
    if (verifier) requireAccessTokens(api, verifier);
    if (config.RATE_LIMIT_PER_MINUTE > 0) {
      // enableDraftSpec: RateLimit-Limit/-Remaining/-Reset (the IETF draft's names) on every response.
      await api.register(rateLimit, { max: config.RATE_LIMIT_PER_MINUTE, timeWindow: 60_000, enableDraftSpec: true });
    }
    // With token checks, a customer's token reaches only that customer's orders.
    const owned = verifier ? ownOrdersOnly(orders, lifecycle) : { orders, lifecycle };
    await api.register(ordersV1Routes, owned);
    await api.register(ordersV2Routes, owned);
    if (readModels) await api.register(readModelRoutes, { readModels });
  });
  return app;
}
