import type { InventoryServiceHandlers } from '@commlab/contracts';
import type { Inventory } from '../domain/ledger.ts';
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
  inventory
    .watch(call.request.skus, (level) => call.write(level))
    .then(
      (watch) => {
        scope.log.debug({ skus: call.request.skus }, 'watching');
        const stop = () => {
          watch.stop();
          scope.finish('ok');
        };
        if (scope.signal.aborted) stop();
        else scope.signal.addEventListener('abort', stop);
      },
      (err: unknown) => {
        const error = toServiceError(err);
        scope.finish(error);
        call.emit('error', error);
      },
    );
}
