import { openEventBus } from '@commlab/events';
import { busEdges, edgeReporter, startService, type Closeable } from '@commlab/kit';
import { createInventoryServer } from './app.ts';
import { InventoryConfig } from './config.ts';
import { seedCatalogue } from './domain/catalogue.ts';
import { StockLedger } from './domain/ledger.ts';
import { stockRequestHandler, stockRequestTypes } from './events/stock-requests.ts';
import { watchReadiness } from './grpc/readiness.ts';
import { withReserveDelay } from './faults/reserve-delay.ts';
import { createHttpApp } from './http/app.ts';
import { createThriftServer } from './thrift/server.ts';

// One ledger behind every edge: gRPC always, Thrift and REST/JSON when given a port (lab 04).
await startService('inventory', InventoryConfig, async (config, logger) => {
  const inventory = withReserveDelay(new StockLedger(seedCatalogue), config.RESERVE_DELAY_MS);
  const parts: Closeable[] = [];
  const service = config.SERVICE_NAME ?? 'inventory';
  const edges = edgeReporter({ url: config.CONSOLE_URL, service });

  if (config.HTTP_PORT !== undefined) {
    const http = await createHttpApp({ inventory, logger });
    await http.listen({ host: config.HOST, port: config.HTTP_PORT });
    logger.info({ address: `${config.HOST}:${config.HTTP_PORT}` }, 'inventory REST/JSON edge ready');
    parts.push({ name: 'HTTP server', close: () => http.close() });
  }
  if (config.THRIFT_PORT !== undefined) {
    const thrift = createThriftServer({ inventory, logger });
    const port = await thrift.listen(config.HOST, config.THRIFT_PORT);
    logger.info({ address: `${config.HOST}:${port}` }, 'inventory Thrift server ready');
    parts.push({ name: 'Thrift server', close: thrift.close });
  }
  // gRPC last: its health check is what the lab runner waits for, so every edge is up by then.
  const grpc = createInventoryServer({ inventory, logger, edges });
  const bus = await openEventBus(config, logger);
  const reports = busEdges(edges, { service, bus: config.EVENT_BUS });
  const stockRequests = await bus?.subscribe(
    { group: 'inventory.stock-requests', types: stockRequestTypes },
    reports.handler(stockRequestHandler({ inventory, publisher: reports.publisher(bus), logger })),
  );
  const port = await grpc.listen(config.HOST, config.PORT);
  const readiness = bus && watchReadiness(grpc.health, [{ name: 'event bus', check: bus.ping }], logger);
  logger.info(
    { address: `${config.HOST}:${port}`, skus: seedCatalogue.length, reserveDelayMs: config.RESERVE_DELAY_MS },
    'inventory gRPC server ready',
  );
  return [
    { name: 'readiness watch', close: () => readiness?.stop() },
    { name: 'gRPC server', close: grpc.close },
    ...parts,
    { name: 'stock requests subscription', close: () => stockRequests?.close() },
    { name: 'event bus', close: () => bus?.close() },
    { name: 'edge reporter', close: edges.close },
  ];
});
