import type { AddressInfo } from 'node:net';
import { openEventBus, processedEvents, type Subscription } from '@commlab/events';
import { busEdges, createLogger, edgeReporter, type Closeable, type EdgeReporter, type Logger } from '@commlab/kit';
import { eventIdentityFrom } from '@commlab/security/events';
import type { Database } from '@commlab/sql';
import { createApp } from './app.ts';
import { paymentDatabase, type PaymentSettings } from './config.ts';
import { PaymentLedger } from './domain/payment-ledger.ts';
import { checkoutStepHandler, checkoutStepSubscription } from './events/checkout-steps.ts';
import { sqlPaymentStore } from './store/sql-payments.ts';

/** What a test may hand in instead of what the configuration names. */
export interface PaymentAdapters {
  logger?: Logger;
  /** Default: PostgreSQL at DATABASE_URL, else the SQLite file PAYMENT_DB_FILE. */
  database?: Database;
  edges?: EdgeReporter;
}

/**
 * The payment service's composition root. One database holds the payments and the record of
 * processed events; one ledger behind both edges: the checkout saga's events (choreography,
 * when there is a bus) and /payments over HTTP (the orchestrator's calls).
 */
export async function buildService(config: PaymentSettings, adapters: PaymentAdapters = {}) {
  const service = config.SERVICE_NAME ?? 'payment';
  const logger = adapters.logger ?? createLogger({ name: service, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const database = adapters.database ?? (await paymentDatabase.open(config));
  const ledger = new PaymentLedger({
    db: database,
    store: await sqlPaymentStore(database),
    limit: config.PAYMENT_LIMIT,
  });
  const edges = adapters.edges ?? edgeReporter({ url: config.CONSOLE_URL, service });
  const bus = await openEventBus(config, logger);
  const identity = eventIdentityFrom(config);
  const app = await createApp({
    ledger,
    logger,
    edges,
    readiness: [{ name: 'database', check: database.ping }, ...(bus ? [{ name: 'event bus', check: bus.ping }] : [])],
  });
  let steps: Subscription | undefined;

  return {
    app,
    ledger,
    /** Subscribes to the saga's events and listens (PORT 0: a free port); resolves to the bound address. */
    async start(): Promise<AddressInfo> {
      if (bus) {
        const reports = busEdges(edges, { service, bus: config.EVENT_BUS });
        const handler = checkoutStepHandler({
          ledger,
          processed: await processedEvents(database),
          publisher: reports.publisher(identity.publisher(bus)),
          logger,
        });
        steps = await bus.subscribe(checkoutStepSubscription, reports.handler(identity.handler(handler)));
      }
      await app.listen({ host: config.HOST, port: config.PORT });
      logger.info({ limit: config.PAYMENT_LIMIT, database: database.dialect.name }, 'payment ready');
      return app.server.address() as AddressInfo;
    },
    /** What shutdown closes, in order: stop taking requests and events first, the database last. */
    parts: [
      { name: 'HTTP server', close: () => app.close() },
      { name: 'checkout steps subscription', close: () => steps?.close() },
      { name: 'event bus', close: () => bus?.close() },
      { name: 'edge reporter', close: edges.close },
      { name: 'database', close: database.close },
    ] satisfies Closeable[],
  };
}
