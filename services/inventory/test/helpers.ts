import { credentials, type ServiceError } from '@grpc/grpc-js';
import { pino } from 'pino';
import { loadInventoryProto, type InventoryServiceClient } from '@commlab/contracts';
import { createInventoryServer } from '../src/app.ts';
import type { Inventory } from '../src/domain/ledger.ts';

/** A real inventory gRPC server on a free loopback port, and a client for it. */
export async function startInventory(inventory: Inventory) {
  const server = createInventoryServer({ inventory, logger: pino({ level: 'silent' }) });
  const port = await server.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  const client: InventoryServiceClient = new InventoryService(address, credentials.createInsecure());
  return {
    address,
    client,
    close: async () => {
      client.close();
      await server.close();
    },
  };
}

/** Awaits a unary call: resolves with its reply or its ServiceError, never throwing. */
export function call<Res>(
  invoke: (callback: (error: ServiceError | null, reply?: Res) => void) => unknown,
): Promise<{ error: ServiceError | null; reply: Res | undefined }> {
  return new Promise((resolve) => {
    invoke((error, reply) => resolve({ error, reply }));
  });
}
