import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { InventoryServiceHandlers } from '@commlab/contracts';
import { callerHeader, noEdgeReporter, type EdgeReporter, type Logger } from '@commlab/kit';
import type { Inventory } from '../domain/ledger.ts';
import { adjustStock } from './adjust-stock.ts';
import { openCallScope } from './call-scope.ts';
import { reserveSession } from './reserve-session.ts';
import { toServiceError } from './status.ts';
import { watchStock } from './watch-stock.ts';

/** Translates gRPC calls to the inventory domain and its answers or refusals back. */
export function inventoryHandlers(
  inventory: Inventory,
  logger: Logger,
  edges: EdgeReporter = noEdgeReporter,
): InventoryServiceHandlers {
  // One place answers every unary call, so no handler can call back twice.
  function unary<Req, Res>(method: string, run: (request: Req, signal: AbortSignal) => Res | Promise<Res>) {
    return async (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const scope = openCallScope(call, method, logger);
      const report = (code: number) =>
        edges.report({
          from: call.metadata.get(callerHeader)[0]?.toString() ?? 'client',
          to: 'inventory',
          protocol: 'gRPC',
          side: 'received',
          label: `${method} ${status[code]}`,
          orderId: (call.request as { reservationId?: string }).reservationId,
          ok: code === status.OK,
        });
      try {
        const reply = await run(call.request, scope.signal);
        scope.finish('ok');
        callback(null, reply);
        report(status.OK);
      } catch (err) {
        const error = toServiceError(err);
        if (error.code === 13 && !scope.signal.aborted) scope.log.error({ err }, 'unexpected error');
        scope.finish(error);
        callback(error);
        report(error.code ?? status.UNKNOWN);
      }
    };
  }

  return {
    GetStock: unary('GetStock', async (request) => ({ items: await inventory.stockLevels(request.skus) })),
    Reserve: unary('Reserve', async (request, signal) => ({
      reservationId: request.reservationId,
      items: await inventory.reserve(request.reservationId, request.lines, signal),
    })),
    Release: unary('Release', async (request) => ({
      reservationId: request.reservationId,
      released: await inventory.release(request.reservationId),
    })),
    WatchStock: (call) => watchStock(call, inventory, openCallScope(call, 'WatchStock', logger)),
    AdjustStock: (call, callback) => adjustStock(call, callback, inventory, openCallScope(call, 'AdjustStock', logger)),
    ReserveSession: (call) => reserveSession(call, inventory, openCallScope(call, 'ReserveSession', logger)),
  };
}
