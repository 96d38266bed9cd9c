import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { InventoryServiceHandlers } from '@commlab/contracts';
import type { Logger } from '@commlab/kit';
import type { Inventory } from '../domain/ledger.ts';
import { toServiceError } from './status.ts';

/** Translates gRPC calls to the inventory domain and its answers or refusals back. */
export function inventoryHandlers(inventory: Inventory, logger: Logger): InventoryServiceHandlers {
  // One place answers every call, so no handler can call back twice.
  function unary<Req, Res>(name: string, run: (request: Req) => Res | Promise<Res>) {
    return async (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      try {
        callback(null, await run(call.request));
      } catch (err) {
        const error = toServiceError(err);
        if (error.code === 13) logger.error({ err, method: name }, 'unexpected error');
        else logger.info({ method: name, code: error.code, details: error.details }, 'refused');
        callback(error);
      }
    };
  }

  return {
    GetStock: unary('GetStock', async (request) => ({ items: await inventory.stockLevels(request.skus) })),
    Reserve: unary('Reserve', async (request) => ({
      reservationId: request.reservationId,
      items: await inventory.reserve(request.reservationId, request.lines),
    })),
    Release: unary('Release', async (request) => ({
      reservationId: request.reservationId,
      released: await inventory.release(request.reservationId),
    })),
  };
}
