import { startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { OrderConfig } from './config.ts';
import { Orders } from './domain/orders.ts';
import { connectInventory } from './inventory/connect.ts';
import { withinRequestBudget } from './inventory/request-budget.ts';
import { openOrderStore } from './store/open-store.ts';

await startService('order', OrderConfig, async (config, logger) => {
  const store = await openOrderStore(config);
  const inventory = connectInventory(config); // gRPC, Thrift or REST, by INVENTORY_TRANSPORT
  const orders = new Orders({
    store,
    stock: withinRequestBudget(inventory),
    reserveTimeoutMs: config.INVENTORY_DEADLINE_MS,
    onCompensationFailure: (orderId, err) => logger.error({ err, orderId }, 'could not release reservation'),
  });
  const app = await createApp(config, {
    orders,
    logger,
    readiness: [
      { name: 'order store', check: store.ping },
      { name: `inventory (${config.INVENTORY_TRANSPORT})`, check: inventory.ready },
    ],
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  return [
    { name: 'HTTP server', close: () => app.close() },
    { name: 'inventory client', close: inventory.close },
    { name: 'order store', close: store.close },
  ];
});
