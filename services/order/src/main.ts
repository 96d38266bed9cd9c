import { edgeReporter, probe, reportingInterceptor, startService } from '@commlab/kit';
import { createApp } from './app.ts';
import { OrderConfig } from './config.ts';
import { Orders } from './domain/orders.ts';
import { grpcInventory } from './inventory/grpc-reservations.ts';
import { openOrderStore } from './store/open-store.ts';

await startService('order', OrderConfig, async (config, logger) => {
  const store = await openOrderStore(config);
  const edges = edgeReporter({ url: config.CONSOLE_URL, service: config.SERVICE_NAME ?? 'order' });
  const inventory = grpcInventory(config.INVENTORY_ADDR, [
    reportingInterceptor(edges, {
      from: 'order',
      to: 'inventory',
      subjectOf: (request) => (request as { reservationId?: string }).reservationId,
    }),
  ]);
  const orders = new Orders({
    store,
    stock: inventory,
    reserveTimeoutMs: config.INVENTORY_DEADLINE_MS,
    onCompensationFailure: (orderId, err) => logger.error({ err, orderId }, 'could not release reservation'),
  });
  const app = await createApp(config, {
    orders,
    logger,
    edges,
    readiness: [
      { name: 'order store', check: store.ping },
      { name: 'inventory', check: () => probe(`grpc://${config.INVENTORY_ADDR}`) },
    ],
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  return [
    { name: 'HTTP server', close: () => app.close() },
    { name: 'inventory client', close: inventory.close },
    { name: 'edge reporter', close: edges.close },
    { name: 'order store', close: store.close },
  ];
});
