import { openEventBus } from '@commlab/events';
import { startService } from '@commlab/kit';
import { createInventoryServer } from './app.ts';
import { InventoryConfig } from './config.ts';
import { seedCatalogue } from './domain/catalogue.ts';
import { StockLedger } from './domain/ledger.ts';
import { stockRequestHandler, stockRequestTypes } from './events/stock-requests.ts';
import { watchReadiness } from './grpc/readiness.ts';

await startService('inventory', InventoryConfig, async (config, logger) => {
  const inventory = new StockLedger(seedCatalogue);
  const grpc = createInventoryServer({ inventory, logger });
  const bus = await openEventBus(config, logger);
  const stockRequests = await bus?.subscriber.subscribe(
    { group: 'inventory.stock-requests', types: stockRequestTypes },
    stockRequestHandler({ inventory, publisher: bus.publisher, logger }),
  );
  const port = await grpc.listen(config.HOST, config.PORT);
  const readiness = bus && watchReadiness(grpc.health, [{ name: 'event bus', check: bus.ping }], logger);
  logger.info({ address: `${config.HOST}:${port}`, skus: seedCatalogue.length }, 'inventory gRPC server ready');
  return [
    { name: 'readiness watch', close: () => readiness?.stop() },
    { name: 'gRPC server', close: grpc.close },
    { name: 'stock requests subscription', close: () => stockRequests?.close() },
    { name: 'event bus', close: () => bus?.close() },
  ];
});
