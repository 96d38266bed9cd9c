import { Server, ServerCredentials, type ServerInterceptor } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { inventoryPackageDefinition, loadInventoryProto } from '@commlab/contracts';
import type { EdgeReporter, Logger } from '@commlab/kit';
import type { Inventory } from './domain/ledger.ts';
import { inventoryHandlers } from './grpc/inventory-service.ts';

export interface InventoryDeps {
  inventory: Inventory;
  logger: Logger;
  /** Where edge crossings are reported (the lab console); none by default. */
  edges?: EdgeReporter;
  /** mTLS server credentials (lab 09); default: plain text. */
  credentials?: ServerCredentials;
  /** Run before every call's handler, in order (lab 09: who the peer is and its access token; lab 11: fault dials). */
  interceptors?: ServerInterceptor[];
}

export interface InventoryServer {
  server: Server;
  health: HealthImplementation;
  /** Binds and starts serving; resolves to the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting calls, lets in-flight calls finish, then closes. */
  close(): Promise<void>;
}

/** Largest message a client may send; bigger ones are refused with RESOURCE_EXHAUSTED before any handler runs. */
export const maxMessageBytes = 64 * 1024;

/** The inventory gRPC server with the standard health service and server reflection. */
export function createInventoryServer({
  inventory,
  logger,
  edges,
  credentials = ServerCredentials.createInsecure(),
  interceptors = [],
}: InventoryDeps): InventoryServer {
  const server = new Server({ 'grpc.max_receive_message_length': maxMessageBytes, interceptors });
  const proto = loadInventoryProto();
  server.addService(proto.commlab.inventory.v1.InventoryService.service, inventoryHandlers(inventory, logger, edges));

  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    'commlab.inventory.v1.InventoryService': 'NOT_SERVING',
  });
  health.addToServer(server);
  new ReflectionService(inventoryPackageDefinition()).addToServer(server);

  return {
    server,
    health,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, credentials, (err, bound) => {
          if (err) return reject(err);
          health.setStatus('', 'SERVING');
          health.setStatus('commlab.inventory.v1.InventoryService', 'SERVING');
          resolve(bound);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        health.setStatus('commlab.inventory.v1.InventoryService', 'NOT_SERVING');
        server.tryShutdown(() => resolve());
      }),
  };
}
