import {
  inventoryEventTypes,
  PaymentData,
  paymentEventTypes,
  StockRejectedData,
  StockReservedData,
} from '@commlab/contracts/events';
import { eventData, PoisonEventError, type CloudEvent, type EventHandler } from '@commlab/events';
import type { Logger } from '@commlab/kit';
import type { StatusChangeResult } from '../domain/ports.ts';
import type { OrderLifecycle } from '../domain/order-lifecycle.ts';

export const stockResultTypes = [inventoryEventTypes.stockReserved, inventoryEventTypes.stockRejected];

/** What the order service hears in its checkout: inventory's answers, and in the choreographed saga payment's too. */
export function checkoutResultTypes(choreography: boolean): string[] {
  return choreography
    ? [...stockResultTypes, paymentEventTypes.completed, paymentEventTypes.declined]
    : stockResultTypes;
}

/**
 * Inventory's answers to order.placed, applied to the order. Translates and delegates. In the
 * choreographed saga (lab 08) stock reserved is not the end: payment answers it, and payment's
 * answer confirms the order or cancels it (the compensation: inventory releases the stock on
 * order.cancelled).
 */
export function stockResultHandler(
  lifecycle: OrderLifecycle,
  logger: Logger,
  { choreography = false }: { choreography?: boolean } = {},
): EventHandler {
  return async (event) => {
    const orderId = event.subject;
    if (choreography && event.type === inventoryEventTypes.stockReserved) {
      sameOrder(event, eventData(event, StockReservedData).orderId);
      logger.info({ orderId }, `order ${orderId}: stock reserved, payment next`);
      return;
    }
    const result = await apply(lifecycle, event, choreography);
    if (result.outcome === 'missing') throw new PoisonEventError(`${event.type} ${event.id}: no order ${orderId}`);
    if (result.outcome === 'duplicate') logger.info({ orderId, eventId: event.id }, 'duplicate event ignored');
    else if (result.outcome === 'unchanged') {
      logger.info({ orderId, status: result.order.status }, `${event.type} arrived for a ${result.order.status} order`);
    } else logger.info({ orderId, status: result.order.status }, `order ${orderId} ${result.order.status}`);
  };
}

function apply(lifecycle: OrderLifecycle, event: CloudEvent, choreography: boolean): Promise<StatusChangeResult> {
  if (event.type === inventoryEventTypes.stockReserved) {
    const data = eventData(event, StockReservedData);
    return lifecycle.stockReserved(sameOrder(event, data.orderId), event.id);
  }
  if (event.type === inventoryEventTypes.stockRejected) {
    const data = eventData(event, StockRejectedData);
    const reason = { code: data.code, detail: data.detail };
    return lifecycle.stockRejected(sameOrder(event, data.orderId), reason, event.id);
  }
  if (choreography && event.type === paymentEventTypes.completed) {
    const data = eventData(event, PaymentData);
    return lifecycle.paymentCompleted(sameOrder(event, data.orderId), event.id);
  }
  if (choreography && event.type === paymentEventTypes.declined) {
    const data = eventData(event, PaymentData);
    const reason = { code: data.code ?? 'PAYMENT_DECLINED', detail: data.detail ?? 'payment declined' };
    return lifecycle.paymentDeclined(sameOrder(event, data.orderId), reason, event.id);
  }
  throw new PoisonEventError(`unexpected event type ${event.type}`);
}

function sameOrder(event: CloudEvent, orderId: string): string {
  if (event.subject !== orderId) {
    throw new PoisonEventError(`${event.type} ${event.id}: subject ${event.subject} is not order ${orderId}`);
  }
  return orderId;
}
