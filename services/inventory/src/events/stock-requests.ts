import { eventSources, inventoryEventTypes, OrderEventData, orderEventTypes } from '@commlab/contracts/events';
import {
  eventData,
  newEvent,
  PoisonEventError,
  type CloudEvent,
  type EventHandler,
  type EventPublisher,
} from '@commlab/events';
import type { Logger } from '@commlab/kit';
import { StockError } from '../domain/errors.ts';
import type { Inventory } from '../domain/ledger.ts';

export const stockRequestTypes = [orderEventTypes.placed, orderEventTypes.cancelled];

export interface StockRequestDeps {
  inventory: Inventory;
  publisher: EventPublisher;
  logger: Logger;
}

/**
 * Inventory's part of async checkout. order.placed (pending) → reserve the order's stock and
 * answer stock-reserved or stock-rejected; order.cancelled → release it.
 *
 * Both are idempotent by order id, the natural key: Reserve and Release are keyed by it, and
 * the answer for an order is decided once and kept, so a redelivered order.placed gets the
 * same answer, under the same event id, even if stock changed meanwhile.
 */
export function stockRequestHandler({ inventory, publisher, logger }: StockRequestDeps): EventHandler {
  const answers = new Map<string, CloudEvent>();

  async function answer(data: OrderEventData): Promise<CloudEvent> {
    const known = answers.get(data.orderId);
    if (known) return known;
    const fields = { source: eventSources.inventory, subject: data.orderId };
    let result: CloudEvent;
    try {
      await inventory.reserve(data.orderId, data.lines);
      result = newEvent({
        ...fields,
        type: inventoryEventTypes.stockReserved,
        data: { orderId: data.orderId, lines: data.lines },
      });
    } catch (err) {
      if (!(err instanceof StockError)) throw err; // a bug or outage: redeliver later
      const refusal = { orderId: data.orderId, code: err.reason, detail: err.message };
      result = newEvent({
        ...fields,
        type: inventoryEventTypes.stockRejected,
        data: { ...refusal, ...(err.subject && { subject: err.subject }) },
      });
    }
    const decided = { ...result, id: `reservation-${data.orderId}` };
    answers.set(data.orderId, decided);
    return decided;
  }

  return async (event) => {
    const data = eventData(event, OrderEventData);
    if (event.type === orderEventTypes.placed) {
      // An order placed confirmed came through sync checkout: its stock is held already.
      if (data.status !== 'pending') return;
      const result = await answer(data);
      await publisher.publish(result);
      logger.info({ orderId: data.orderId }, `order ${data.orderId}: ${result.type}`);
    } else if (event.type === orderEventTypes.cancelled) {
      const released = await inventory.release(data.orderId);
      logger.info({ orderId: data.orderId, released }, `order ${data.orderId} cancelled: stock released`);
    } else {
      throw new PoisonEventError(`unexpected event type ${event.type}`);
    }
  };
}
