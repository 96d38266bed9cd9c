import { openEventBus } from '@commlab/events';
import { probe, startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { checkOrderConfig, OrderConfig } from './config.ts';
import { OrderLifecycle } from './domain/order-lifecycle.ts';
import { Orders } from './domain/orders.ts';
import { EventRelay } from './events/relay.ts';
import { stockResultHandler, stockResultTypes } from './events/stock-results.ts';
import { grpcInventory } from './inventory/grpc-reservations.ts';
import { openOrderStore } from './store/open-store.ts';

await startService('order', OrderConfig, async (config, logger) => {
  checkOrderConfig(config);
  const store = await openOrderStore(config);
  const inventory = grpcInventory(config.INVENTORY_ADDR);
  const bus = await openEventBus(config, logger);
  const relay =
    bus &&
    new EventRelay({ outbox: store, publisher: bus.publisher, logger, intervalMs: config.EVENT_RELAY_INTERVAL_MS });
  const onEventsStored = () => relay?.kick();
  const orders = new Orders({
    store,
    stock: inventory,
    reserveTimeoutMs: config.INVENTORY_DEADLINE_MS,
    checkout: config.CHECKOUT_MODE,
    onEventsStored,
    onCompensationFailure: (orderId, err) => logger.error({ err, orderId }, 'could not release reservation'),
  });
  const lifecycle = new OrderLifecycle({ store, onEventsStored });
  // Only async checkout waits for inventory's answer by event.
  const stockResults =
    config.CHECKOUT_MODE === 'async'
      ? await bus!.subscriber.subscribe(
          { group: 'order.stock-results', types: stockResultTypes },
          stockResultHandler(lifecycle, logger),
        )
      : undefined;
  relay?.start();
  const app = await createApp(config, {
    orders,
    lifecycle,
    logger,
    readiness: [
      { name: 'order store', check: store.ping },
      ...(config.CHECKOUT_MODE === 'sync'
        ? [{ name: 'inventory', check: () => probe(`grpc://${config.INVENTORY_ADDR}`) }]
        : []),
      ...(bus ? [{ name: 'event bus', check: bus.ping }] : []),
    ],
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  return [
    { name: 'HTTP server', close: () => app.close() },
    { name: 'stock results subscription', close: () => stockResults?.close() },
    { name: 'event relay', close: () => relay?.close() },
    { name: 'event bus', close: () => bus?.close() },
    { name: 'inventory client', close: inventory.close },
    { name: 'order store', close: store.close },
  ];
});
