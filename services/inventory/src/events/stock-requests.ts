import { eventSources, inventoryEventTypes, OrderEventData, orderEventTypes } from '@commlab/contracts/events';
import {
  eventData,
  newEvent,
  PoisonEventError,
  type CloudEvent,
  type EventHandler,
  type EventPublisher,
  type ProcessedEvents,
} from '@commlab/events';
import type { Logger } from '@commlab/kit';
import type { Transaction } from '@commlab/sql';
import { StockError } from '../domain/errors.ts';
import type { StockLedger } from '../domain/ledger.ts';

export const stockRequestSubscription = {
  group: 'inventory.stock-requests',
  types: [orderEventTypes.placed, orderEventTypes.cancelled],
};

/** The answer given to each order (stock-reserved or stock-rejected), kept with the reservation. */
export interface StockAnswers {
  /** Keeps `answer` for its order (its subject) in `tx`, unless the order has one already. */
  keep(tx: Transaction, answer: CloudEvent): Promise<void>;
  of(orderId: string): Promise<CloudEvent | undefined>;
}

export interface StockRequestDeps {
  ledger: StockLedger<Transaction>;
  answers: StockAnswers;
  processed: ProcessedEvents;
  publisher: EventPublisher;
  logger: Logger;
}

/**
 * Inventory's part of async checkout. order.placed (pending) → reserve the order's stock and
 * answer stock-reserved or stock-rejected; order.cancelled → release it.
 *
 * Each event takes effect once (processed_events), in one transaction with what it changes: the
 * reservation or release, and the answer, which is decided once per order and kept. A
 * redelivered order.placed — even after a restart, even after the stock changed — gets that
 * same answer again, under the same event id, so the order service can drop the repeat.
 */
export function stockRequestHandler({ ledger, answers, processed, publisher, logger }: StockRequestDeps): EventHandler {
  const consumer = stockRequestSubscription.group;

  async function decide(tx: Transaction, data: OrderEventData): Promise<CloudEvent> {
    const fields = { source: eventSources.inventory, subject: data.orderId };
    let answer: CloudEvent;
    try {
      await ledger.within(tx).reserve(data.orderId, data.lines);
      answer = newEvent({
        ...fields,
        type: inventoryEventTypes.stockReserved,
        data: { orderId: data.orderId, lines: data.lines },
      });
    } catch (err) {
      if (!(err instanceof StockError)) throw err; // a bug or outage: redeliver later
      const refusal = { orderId: data.orderId, code: err.reason, detail: err.message };
      answer = newEvent({
        ...fields,
        type: inventoryEventTypes.stockRejected,
        data: { ...refusal, ...(err.subject && { subject: err.subject }) },
      });
    }
    return { ...answer, id: `reservation-${data.orderId}` };
  }

  return async (event) => {
    const data = eventData(event, OrderEventData);
    if (event.type === orderEventTypes.placed) {
      // An order placed confirmed came through sync checkout: its stock is held already.
      if (data.status !== 'pending') return;
      await processed.once(consumer, event.id, async (tx) => answers.keep(tx, await decide(tx, data)));
      const answer = await answers.of(data.orderId);
      if (!answer) throw new Error(`order ${data.orderId}: no answer kept for event ${event.id}`);
      await publisher.publish(answer);
      logger.info({ orderId: data.orderId }, `order ${data.orderId}: ${answer.type}`);
    } else if (event.type === orderEventTypes.cancelled) {
      let released = false;
      await processed.once(consumer, event.id, async (tx) => {
        released = await ledger.within(tx).release(data.orderId);
      });
      logger.info({ orderId: data.orderId, released }, `order ${data.orderId} cancelled: stock released`);
    } else {
      throw new PoisonEventError(`unexpected event type ${event.type}`);
    }
  };
}
