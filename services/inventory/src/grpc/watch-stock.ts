import type { InventoryServiceHandlers } from '@commlab/contracts';
import type { Inventory, StockWatch } from '../domain/ledger.ts';
import type { CallScope } from './call-scope.ts';
import { toServiceError } from './status.ts';

/**
 * Server streaming: the current levels, then each change, for as long as the caller listens.
 * The subscription ends with the call: a cancelled or expired call stops the watch, so a
 * client that went away leaves nothing behind.
 */
export function watchStock(
  call: Parameters<InventoryServiceHandlers['WatchStock']>[0],
  inventory: Inventory,
  scope: CallScope,
): void {
  let watch: StockWatch;
  try {
    watch = inventory.watch(call.request.skus, (level) => call.write(level));
  } catch (err) {
    const error = toServiceError(err);
    scope.finish(error);
    call.emit('error', error);
    return;
  }
  for (const level of watch.current) call.write(level);
  scope.log.debug({ skus: call.request.skus }, 'watching');
  scope.signal.addEventListener('abort', () => {
    watch.stop();
    scope.finish('ok');
  });
}
