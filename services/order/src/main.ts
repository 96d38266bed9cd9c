import { probe, startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { OrderConfig } from './config.ts';
import { Orders } from './domain/orders.ts';
import { grpcInventory } from './inventory/grpc-reservations.ts';
import { openOrderStore } from './store/open-store.ts';

await startService('order', OrderConfig, async (config, logger) => {
  const store = await openOrderStore(config);
  const inventory = grpcInventory(config.INVENTORY_ADDR);
  const orders = new Orders({
    store,
    stock: inventory,
    reserveTimeoutMs: config.INVENTORY_DEADLINE_MS,
    onCompensationFailure: (orderId, err) => logger.error({ err, orderId }, 'could not release reservation'),
  });
  const app = await createApp(config, {
    orders,
    logger,
    readiness: [
      { name: 'order store', check: store.ping },
      { name: 'inventory', check: () => probe(`grpc://${config.INVENTORY_ADDR}`) },
    ],
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  return [
    { name: 'HTTP server', close: () => app.close() },
    { name: 'inventory client', close: inventory.close },
    { name: 'order store', close: store.close },
  ];
});
