import { edgeReporter, startService } from '@commlab/kit';
import { createInventoryServer } from './app.ts';
import { InventoryConfig } from './config.ts';
import { seedCatalogue } from './domain/catalogue.ts';
import { StockLedger } from './domain/ledger.ts';

await startService('inventory', InventoryConfig, async (config, logger) => {
  const inventory = new StockLedger(seedCatalogue);
  const edges = edgeReporter({ url: config.CONSOLE_URL, service: config.SERVICE_NAME ?? 'inventory' });
  const grpc = createInventoryServer({ inventory, logger, edges });
  const port = await grpc.listen(config.HOST, config.PORT);
  logger.info({ address: `${config.HOST}:${port}`, skus: seedCatalogue.length }, 'inventory gRPC server ready');
  return [
    { name: 'gRPC server', close: grpc.close },
    { name: 'edge reporter', close: edges.close },
  ];
});
