import { edgeReporter, reportingInterceptor, startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { checkOrderConfig, OrderConfig } from './config.ts';
import { OrderLifecycle } from './domain/order-lifecycle.ts';
import { Orders } from './domain/orders.ts';
import { openEventEdge } from './events/event-edge.ts';
import { connectInventory } from './inventory/connect.ts';
import { withinRequestBudget } from './inventory/request-budget.ts';
import { openOrderStore } from './store/open-store.ts';

await startService('order', OrderConfig, async (config, logger) => {
  checkOrderConfig(config);
  const store = await openOrderStore(config);
  const service = config.SERVICE_NAME ?? 'order';
  const edges = edgeReporter({ url: config.CONSOLE_URL, service });
  const events = await openEventEdge(config, { outbox: store, logger, edges, service });
  // gRPC, Thrift or REST, by INVENTORY_TRANSPORT; gRPC calls are reported to the lab console.
  const inventory = connectInventory(config, [
    reportingInterceptor(edges, {
      from: 'order',
      to: 'inventory',
      subjectOf: (request) => (request as { reservationId?: string }).reservationId,
    }),
  ]);
  const orders = new Orders({
    store,
    stock: withinRequestBudget(inventory),
    reserveTimeoutMs: config.INVENTORY_DEADLINE_MS,
    checkout: config.CHECKOUT_MODE,
    onEventsStored: events.onEventsStored,
    onCompensationFailure: (orderId, err) => logger.error({ err, orderId }, 'could not release reservation'),
  });
  const lifecycle = new OrderLifecycle({
    store,
    onEventsStored: events.onEventsStored,
    // Without a bus, no one hears order.cancelled: a cancellation releases the stock itself.
    ...(config.EVENT_BUS === 'none' && {
      directRelease: { stock: inventory, timeoutMs: config.INVENTORY_DEADLINE_MS },
    }),
  });
  await events.start(lifecycle);
  const inventoryCheck = { name: `inventory (${config.INVENTORY_TRANSPORT})`, check: inventory.ready };
  const app = await createApp(config, {
    orders,
    lifecycle,
    logger,
    edges,
    readiness: [
      { name: 'order store', check: store.ping },
      // Async checkout does not call inventory; its readiness does not depend on it.
      ...(config.CHECKOUT_MODE === 'sync' ? [inventoryCheck] : []),
      ...events.readiness,
    ],
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  return [
    { name: 'HTTP server', close: () => app.close() },
    { name: 'events', close: events.close },
    { name: 'inventory client', close: inventory.close },
    { name: 'edge reporter', close: edges.close },
    { name: 'order store', close: store.close },
  ];
});
