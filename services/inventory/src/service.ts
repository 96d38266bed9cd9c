import { openEventBus, processedEvents, type Subscription } from '@commlab/events';
import { grpcFaultInterceptor, noFaultDials, openFaultDials } from '@commlab/faults';
import {
  busEdges,
  callerHeader,
  createLogger,
  edgeReporter,
  type Closeable,
  type EdgeReporter,
  type Logger,
} from '@commlab/kit';
import { eventIdentityFrom } from '@commlab/security/events';
import type { Database } from '@commlab/sql';
import { createInventoryServer } from './app.ts';
import { inventoryDatabase, type InventorySettings } from './config.ts';
import { seedCatalogue } from './domain/catalogue.ts';
import { StockLedger, type Inventory } from './domain/ledger.ts';
import { stockRequestHandler, stockRequestSubscription } from './events/stock-requests.ts';
import { withReserveDelay } from './faults/reserve-delay.ts';
import { grpcAccess } from './grpc/access.ts';
import { watchReadiness } from './grpc/readiness.ts';
import { createHttpApp } from './http/app.ts';
import { sqlStockAnswers } from './store/sql-answers.ts';
import { sqlStockStore } from './store/sql-stock.ts';
import { createThriftServer } from './thrift/server.ts';

/** What a test may hand in instead of what the configuration names. */
export interface InventoryAdapters {
  logger?: Logger;
  /** Default: PostgreSQL at DATABASE_URL, else the SQLite file INVENTORY_DB_FILE. */
  database?: Database;
  edges?: EdgeReporter;
  /** Wraps what every transport edge calls (a test's double at our own seam: holding or counting calls). */
  inventory?: (inventory: Inventory) => Inventory;
}

/** The ports the edges listen on once started. */
export interface InventoryAddresses {
  grpc: number;
  thrift?: number;
  http?: number;
}

/**
 * The inventory service's composition root: every part and how they connect, in one place.
 * One ledger, kept in the service's database, behind every edge: gRPC always, Thrift and
 * REST/JSON when given a port (lab 04), and stock requests by event when there is a bus
 * (lab 02). main.ts and the tests build the service here, so both run the same graph.
 */
export async function buildService(config: InventorySettings, adapters: InventoryAdapters = {}) {
  const service = config.SERVICE_NAME ?? 'inventory';
  const logger = adapters.logger ?? createLogger({ name: service, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const database = adapters.database ?? (await inventoryDatabase.open(config));
  const ledger = new StockLedger(await sqlStockStore(database, seedCatalogue));
  const inventory = (adapters.inventory ?? ((real) => real))(withReserveDelay(ledger, config.RESERVE_DELAY_MS));
  const edges = adapters.edges ?? edgeReporter({ url: config.CONSOLE_URL, service });
  // Who may call (lab 09) is checked first; runtime fault dials (lab 11) then act on the calls let in.
  const faults = config.FAULTS_FILE ? await openFaultDials(config.FAULTS_FILE, logger) : noFaultDials;
  const access = grpcAccess(config);
  const grpc = createInventoryServer({
    inventory,
    logger,
    edges,
    ...access,
    interceptors: [...access.interceptors, grpcFaultInterceptor(faults, { service, callerHeader, logger })],
  });
  const http = config.HTTP_PORT === undefined ? undefined : await createHttpApp({ inventory, logger });
  const thrift = config.THRIFT_PORT === undefined ? undefined : createThriftServer({ inventory, logger });
  const bus = await openEventBus(config, logger);
  // Lab 09: stock requests are checked for order's signature; the answers leave signed by inventory.
  const identity = eventIdentityFrom(config);
  const stockRequests = bus && {
    answers: await sqlStockAnswers(database),
    processed: await processedEvents(database),
    reports: busEdges(edges, { service, bus: config.EVENT_BUS }),
  };
  let subscription: Subscription | undefined;
  let readiness: { stop(): void } | undefined;

  return {
    ledger,
    inventory,
    http,
    /** Starts every edge, gRPC last: its health is what a lab waits for. Resolves to the bound ports. */
    async start(): Promise<InventoryAddresses> {
      const addresses: Partial<InventoryAddresses> = {};
      if (http) {
        await http.listen({ host: config.HOST, port: config.HTTP_PORT! });
        addresses.http = (http.server.address() as { port: number }).port;
        logger.info({ address: `${config.HOST}:${addresses.http}` }, 'inventory REST/JSON edge ready');
      }
      if (thrift) {
        addresses.thrift = await thrift.listen(config.HOST, config.THRIFT_PORT!);
        logger.info({ address: `${config.HOST}:${addresses.thrift}` }, 'inventory Thrift server ready');
      }
      if (bus && stockRequests) {
        const { reports, ...stores } = stockRequests;
        const publisher = reports.publisher(identity.publisher(bus));
        const handler = stockRequestHandler({ ledger, ...stores, publisher, logger });
        subscription = await bus.subscribe(stockRequestSubscription, reports.handler(identity.handler(handler)));
      }
      addresses.grpc = await grpc.listen(config.HOST, config.PORT);
      const checks = [{ name: 'database', check: database.ping }];
      if (bus) checks.push({ name: 'event bus', check: bus.ping });
      readiness = watchReadiness(grpc.health, checks, logger);
      logger.info(
        {
          address: `${config.HOST}:${addresses.grpc}`,
          database: database.dialect.name,
          reserveDelayMs: config.RESERVE_DELAY_MS,
        },
        'inventory gRPC server ready',
      );
      return addresses as InventoryAddresses;
    },
    /** What shutdown closes, in order: stop taking calls and events first, the database last. */
    parts: [
      { name: 'readiness watch', close: () => readiness?.stop() },
      { name: 'gRPC server', close: grpc.close },
      { name: 'HTTP server', close: () => http?.close() },
      { name: 'Thrift server', close: () => thrift?.close() },
      { name: 'stock requests subscription', close: () => subscription?.close() },
      { name: 'event bus', close: () => bus?.close() },
      { name: 'edge reporter', close: edges.close },
      { name: 'fault dials', close: faults.close },
      { name: 'database', close: database.close },
    ] satisfies Closeable[],
  };
}
