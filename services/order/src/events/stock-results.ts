import { inventoryEventTypes, StockRejectedData, StockReservedData } from '@commlab/contracts/events';
import { eventData, PoisonEventError, type CloudEvent, type EventHandler } from '@commlab/events';
import type { Logger } from '@commlab/kit';
import type { StatusChangeResult } from '../domain/ports.ts';
import type { OrderLifecycle } from '../domain/order-lifecycle.ts';

export const stockResultTypes = [inventoryEventTypes.stockReserved, inventoryEventTypes.stockRejected];

/** Inventory's answers to order.placed, applied to the order. Translates and delegates. */
export function stockResultHandler(lifecycle: OrderLifecycle, logger: Logger): EventHandler {
  return async (event) => {
    const result = await apply(lifecycle, event);
    const orderId = event.subject;
    if (result.outcome === 'missing') throw new PoisonEventError(`${event.type} ${event.id}: no order ${orderId}`);
    if (result.outcome === 'duplicate') logger.info({ orderId, eventId: event.id }, 'duplicate event ignored');
    else if (result.outcome === 'unchanged') {
      logger.info({ orderId, status: result.order.status }, `${event.type} arrived for a ${result.order.status} order`);
    } else logger.info({ orderId, status: result.order.status }, `order ${orderId} ${result.order.status}`);
  };
}

function apply(lifecycle: OrderLifecycle, event: CloudEvent): Promise<StatusChangeResult> {
  if (event.type === inventoryEventTypes.stockReserved) {
    const data = eventData(event, StockReservedData);
    return lifecycle.stockReserved(sameOrder(event, data.orderId), event.id);
  }
  if (event.type === inventoryEventTypes.stockRejected) {
    const data = eventData(event, StockRejectedData);
    const reason = { code: data.code, detail: data.detail };
    return lifecycle.stockRejected(sameOrder(event, data.orderId), reason, event.id);
  }
  throw new PoisonEventError(`unexpected event type ${event.type}`);
}

function sameOrder(event: CloudEvent, orderId: string): string {
  if (event.subject !== orderId) {
    throw new PoisonEventError(`${event.type} ${event.id}: subject ${event.subject} is not order ${orderId}`);
  }
  return orderId;
}
