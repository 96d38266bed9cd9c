import { startService } from '@commlab/kit';
import { createInventoryServer } from './app.ts';
import { InventoryConfig } from './config.ts';
import { seedCatalogue } from './domain/catalogue.ts';
import { StockLedger } from './domain/ledger.ts';

await startService('inventory', InventoryConfig, async (config, logger) => {
  const inventory = new StockLedger(seedCatalogue);
  const grpc = createInventoryServer({ inventory, logger });
  const port = await grpc.listen(config.HOST, config.PORT);
  logger.info({ address: `${config.HOST}:${port}`, skus: seedCatalogue.length }, 'inventory gRPC server ready');
  return [{ name: 'gRPC server', close: grpc.close }];
});
