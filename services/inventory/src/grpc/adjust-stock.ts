import type { sendUnaryData } from '@grpc/grpc-js';
import type { AdjustStockSummary, InventoryServiceHandlers, StockAdjustment } from '@commlab/contracts';
import { limits, type AdjustmentReason, type Inventory, type StockAdjustment as Adjustment } from '../domain/ledger.ts';
import type { CallScope } from './call-scope.ts';
import { invalidArgument, toServiceError } from './status.ts';

/**
 * Client streaming: collects the upload, then applies it all at once when the client
 * half-closes. The stream is refused as soon as it grows past the limit (nothing is
 * buffered beyond it), and a cancelled upload applies nothing.
 */
export function adjustStock(
  call: Parameters<InventoryServiceHandlers['AdjustStock']>[0],
  callback: sendUnaryData<AdjustStockSummary>,
  inventory: Inventory,
  scope: CallScope,
): void {
  const upload: Adjustment[] = [];
  let answered = false;
  const answer = (error: Parameters<typeof callback>[0], summary?: AdjustStockSummary) => {
    if (answered) return;
    answered = true;
    scope.finish(error ?? 'ok');
    callback(error, summary);
  };

  call.on('data', (message: StockAdjustment) => {
    if (answered) return;
    if (upload.length === limits.maxAdjustments) {
      answer(invalidArgument(`at most ${limits.maxAdjustments} adjustments per upload`, 'adjustments'));
      return;
    }
    upload.push(fromMessage(message));
  });
  call.on('end', async () => {
    if (answered || scope.signal.aborted) return;
    try {
      const items = await inventory.adjust(upload);
      answer(null, { adjustments: upload.length, items });
    } catch (err) {
      answer(toServiceError(err));
    }
  });
  scope.signal.addEventListener('abort', () => {
    if (answered) return;
    answered = true;
    scope.log.info({ received: upload.length }, 'upload abandoned; nothing applied');
    scope.finish('ok');
  });
}

/**
 * proto3 enums are open: a value this server does not know (from a newer client) arrives as
 * its number. It passes through as text, and the domain refuses it like any unknown reason.
 */
function fromMessage(message: StockAdjustment): Adjustment {
  const reason = String(message.reason).replace(/^ADJUSTMENT_REASON_/, '') as AdjustmentReason;
  return { sku: message.sku, delta: message.delta, reason };
}
