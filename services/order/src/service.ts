import { join } from 'node:path';
import { namespaceSchema, openEventBus, OutboxRelay, type Subscription } from '@commlab/events';
import { mtlsListenerFrom, startMtlsListener, tlsFilesFrom, tokenClientFrom, verifierFrom } from '@commlab/security';
import { eventIdentityFrom } from '@commlab/security/events';
import { bearerCallCredentials, mtlsChannelCredentials } from '@commlab/security/grpc';
import { busEdges, closeInTurn, edgeReporter, reportingInterceptor, type Closeable, type Logger } from '@commlab/kit';
import { createApp } from './app.ts';
import { checkOrderConfig, type OrderSettings } from './config.ts';
import { OrderLifecycle } from './domain/order-lifecycle.ts';
import { Orders } from './domain/orders.ts';
import { PendingReservations } from './domain/pending-reservations.ts';
import type { OrderStoreWithEvents } from './domain/ports.ts';
import { checkoutResultTypes, stockResultHandler } from './events/stock-results.ts';
import { connectInventory } from './inventory/edge.ts';
import { withinRequestBudget } from './inventory/request-budget.ts';
import { eventSourcedOrderStore, type EventSourcedOrderStore } from './store/event-sourced.ts';
import { resilientStock } from './inventory/resilient-stock.ts';
import { postgresOrderStore } from './store/postgres.ts';
import { httpPayment } from './payment/http-payment.ts';
import { SagaOrchestrator } from './saga/orchestrator.ts';
import { sagaRoutes } from './saga/saga-routes.ts';
import { sqlSagaStore } from './saga/sql-sagas.ts';
import { openDatabase } from '@commlab/sql';
import { sqliteOrderStore } from './store/sqlite.ts';

/**
 * The order service, wired as configured — the one place its parts meet: the store
 * (PostgreSQL with DATABASE_URL, else SQLite; or event streams, ORDER_STORE=event-store), inventory over INVENTORY_TRANSPORT, the use
 * cases, the outbox relay and the subscription to inventory's answers (EVENT_BUS,
 * CHECKOUT_MODE), the HTTP API and its readiness checks. Nothing runs until `start()`;
 * `parts` are what to close on shutdown, in order. Tests build it the same way (`app.inject`).
 */
export async function buildService(config: OrderSettings, { logger }: { logger: Logger }) {
  checkOrderConfig(config);
  const service = config.SERVICE_NAME ?? 'order';
  const edges = edgeReporter({ url: config.CONSOLE_URL, service });
  const store = await openStore(config);
  // gRPC calls are reported to the lab console, like every crossing, under this service's own
  // name in the lab: inventory's fault dials tell order-fallback's calls from order's by it.
  const inventory = connectInventory(
    config,
    [
      reportingInterceptor(edges, {
        from: service,
        to: 'inventory',
        subjectOf: (request) => (request as { reservationId?: string }).reservationId,
      }),
    ],
    inventorySecurity(config),
  );
  // Timeouts, retries and the breaker wrap the edge; the request's budget is applied before them.
  const resilient = resilientStock(inventory, config, logger);
  const bus = await openEventBus(config, logger);
  const reports = busEdges(edges, { service, bus: config.EVENT_BUS });
  // Lab 09: events leave signed by order's identity; inventory's answers are checked for theirs.
  const identity = eventIdentityFrom(config);
  const relay =
    bus &&
    new OutboxRelay({
      outbox: store,
      publisher: reports.publisher(identity.publisher(bus)),
      logger,
      intervalMs: config.EVENT_RELAY_INTERVAL_MS,
    });
  // Publish what a commit just stored now, rather than on the relay's next round.
  const onEventsStored = () => relay?.kick();

  // Lab 08's orchestrated saga begins as soon as an order is stored pending (see below).
  let orchestrator: SagaOrchestrator | undefined;
  const orders = new Orders({
    store,
    stock: withinRequestBudget(resilient.stock),
    reserveTimeoutMs: config.INVENTORY_DEADLINE_MS,
    checkout: config.CHECKOUT_MODE,
    fallback: config.INVENTORY_FALLBACK,
    onEventsStored,
    onCompensationFailure: (orderId, err) => logger.error({ err, orderId }, 'could not release reservation'),
    onAccepted: (order) => {
      orchestrator?.begin(order).catch((err: unknown) => logger.warn({ err, orderId: order.id }, 'saga not begun yet'));
    },
  });
  const lifecycle = new OrderLifecycle({
    store,
    onEventsStored,
    // Without a bus, no one hears order.cancelled: a cancellation releases the stock itself.
    ...(!bus && { directRelease: { stock: inventory, timeoutMs: config.INVENTORY_DEADLINE_MS } }),
  });
  // The pending fallback's other half: what it accepted gets its stock once inventory answers again.
  const pending =
    config.INVENTORY_FALLBACK === 'pending'
      ? new PendingReservations({
          store,
          stock: resilient.stock,
          lifecycle,
          reserveTimeoutMs: config.INVENTORY_DEADLINE_MS,
          logger,
        })
      : undefined;
  const readModels = 'readModels' in store ? (store as EventSourcedOrderStore).readModels : undefined;
  const app = await createApp(config, {
    orders,
    lifecycle,
    logger,
    edges,
    verifier: verifierFrom(config),
    ...(readModels && { readModels }),
    readiness: [
      { name: 'order store', check: store.ping },
      // Async checkout does not call inventory, and the pending fallback takes orders without it:
      // their readiness does not depend on it.
      ...(config.CHECKOUT_MODE === 'sync' && config.INVENTORY_FALLBACK === 'none'
        ? [{ name: `inventory (${config.INVENTORY_TRANSPORT})`, check: inventory.ready }]
        : []),
      ...(bus ? [{ name: 'event bus', check: bus.ping }] : []),
    ],
  });

  // CHECKOUT_MODE=orchestration: the saga orchestrator, its sagas in their own database.
  const sagaDb =
    config.CHECKOUT_MODE === 'orchestration'
      ? await openDatabase({
          url: config.DATABASE_URL,
          file: config.SAGA_DB_FILE ?? join(config.DATA_DIR, 'sagas.sqlite'),
        })
      : undefined;
  if (sagaDb) {
    const sagas = await sqlSagaStore(sagaDb);
    orchestrator = new SagaOrchestrator({
      sagas,
      orders: store,
      lifecycle,
      stock: resilient.stock,
      payment: httpPayment({ url: config.PAYMENT_URL!, timeoutMs: config.INVENTORY_DEADLINE_MS, service, edges }),
      timeoutMs: config.INVENTORY_DEADLINE_MS,
      logger,
    });
    await app.register(sagaRoutes, { sagas });
  }

  // What the resilience policy did so far (breaker state and counts): the lab console shows it.
  app.get('/resilience', { schema: { hide: true } }, () => resilient.policy.report());

  let stockResults: Subscription | undefined;
  let serviceListener: { close(): Promise<void> } | undefined;
  const parts: Closeable[] = [
    { name: 'mTLS listener', close: async () => serviceListener?.close() },
    { name: 'HTTP server', close: () => app.close() },
    { name: 'stock results', close: () => stockResults?.close() },
    { name: 'pending reservations', close: () => pending?.close() },
    { name: 'saga orchestrator', close: () => orchestrator?.close() },
    { name: 'event relay', close: () => relay?.close() },
    { name: 'event bus', close: () => bus?.close() },
    { name: 'inventory client', close: inventory.close },
    { name: 'resilience policy', close: () => resilient.policy.close() },
    { name: 'edge reporter', close: edges.close },
    { name: 'order store', close: store.close },
    { name: 'saga database', close: () => sagaDb?.close() },
  ];
  return {
    app,
    /** The store the service keeps its orders in, for tests to look into. */
    store,
    start: async () => {
      // Async checkout waits for inventory's answer by event; the choreographed saga for payment's too.
      if (bus && (config.CHECKOUT_MODE === 'async' || config.CHECKOUT_MODE === 'choreography')) {
        const choreography = config.CHECKOUT_MODE === 'choreography';
        stockResults = await bus.subscribe(
          { group: 'order.stock-results', types: checkoutResultTypes(choreography) },
          reports.handler(identity.handler(stockResultHandler(lifecycle, logger, { choreography }))),
        );
      }
      if ('startProjections' in store) await (store as EventSourcedOrderStore).startProjections();
      relay?.start();
      pending?.start(config.PENDING_RETRY_MS);
      // Resumes or compensates what a crash left mid-saga, then sweeps on.
      orchestrator?.start(config.SAGA_RETRY_MS);
      // Lab 09: the same API for other services (the console) over mTLS, beside the reader's
      // port, and listening before the reader's port answers ready.
      await app.ready();
      serviceListener = await startMtlsListener(mtlsListenerFrom(config), config.HOST, (req, res) =>
        app.routing(req, res),
      );
      await app.listen({ host: config.HOST, port: config.PORT });
    },
    parts,
    close: () => closeInTurn(parts),
  };
}

export type OrderService = Awaited<ReturnType<typeof buildService>>;

/**
 * Lab 09: mTLS to inventory (TLS_* files, re-read when rotated) and a client-credentials token
 * for it with the one scope checkout needs, cached until shortly before it expires.
 */
function inventorySecurity(config: OrderSettings) {
  const tls = tlsFilesFrom(config);
  const tokens = tokenClientFrom(config, { resource: 'urn:commlab:inventory', scopes: ['inventory:reserve'] });
  if (tokens && !tls)
    throw new Error('an access token for inventory needs mTLS (TLS_*): it is never sent in plain text');
  if (!tls) return {};
  const file = (path: string) => encodeURIComponent(path);
  return {
    channel: mtlsChannelCredentials(tls),
    ...(tokens && { call: bearerCallCredentials(tokens) }),
    probe: `grpcs://${config.INVENTORY_ADDR}?ca=${file(tls.ca)}&cert=${file(tls.cert)}&key=${file(tls.key)}`,
  };
}

/** PostgreSQL when a DATABASE_URL is given (as tables or as event streams), otherwise the embedded SQLite file. */
function openStore(config: OrderSettings): Promise<OrderStoreWithEvents | EventSourcedOrderStore> {
  if (config.ORDER_STORE === 'event-store') {
    return eventSourcedOrderStore({
      url: config.DATABASE_URL!,
      // Each lab run (and each test's) keeps its streams apart, as its broker names are.
      schema:
        config.ORDER_STORE_SCHEMA ??
        (config.EVENT_NAMESPACE ? namespaceSchema('es', config.EVENT_NAMESPACE) : undefined),
      snapshotEvery: config.ORDER_SNAPSHOT_EVERY,
    });
  }
  if (config.DATABASE_URL) return postgresOrderStore(config.DATABASE_URL);
  return Promise.resolve(sqliteOrderStore(config.ORDER_DB_FILE ?? join(config.DATA_DIR, 'orders.sqlite')));
}
