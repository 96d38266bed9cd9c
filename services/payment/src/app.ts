import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  serviceHttpApp,
  defineProblems,
  healthRoutes,
  noEdgeReporter,
  reportRequests,
  type EdgeReporter,
  type Logger,
  type ReadinessCheck,
} from '@commlab/kit';
import type { PaymentLedger } from './domain/payment-ledger.ts';
import { paymentRoutes } from './http/payment-routes.ts';

/** Payment has only the common problem types (validation, not-found…). */
export const paymentProblems = defineProblems({});

export interface PaymentAppDeps {
  ledger: PaymentLedger;
  logger: Logger;
  edges?: EdgeReporter;
  readiness?: ReadinessCheck[];
}

/** The payment service's HTTP surface: /payments, /healthz, /readyz. Builds the app; never listens. */
export async function createApp({ ledger, logger, edges = noEdgeReporter, readiness = [] }: PaymentAppDeps) {
  const app = (
    await serviceHttpApp({ logger, problems: { problems: paymentProblems, service: 'payment' } })
  ).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(healthRoutes, { checks: readiness });
  // The orchestrator's calls, as the console draws them (the caller names itself in x-commlab-caller).
  reportRequests(app, edges, { from: 'order', to: 'payment' });
  await app.register(paymentRoutes, { ledger, problems: paymentProblems });
  return app;
}
