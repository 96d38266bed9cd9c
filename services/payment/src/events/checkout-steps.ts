import {
  eventSources,
  inventoryEventTypes,
  OrderEventData,
  orderEventTypes,
  paymentEventTypes,
  StockReservedData,
} from '@commlab/contracts/events';
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
import type { PaymentLedger } from '../domain/payment-ledger.ts';
import { amountOf, type Payment } from '../domain/payments.ts';

export const checkoutStepSubscription = {
  group: 'payment.checkout',
  types: [inventoryEventTypes.stockReserved, orderEventTypes.cancelled],
};

export interface CheckoutStepDeps {
  ledger: PaymentLedger;
  processed: ProcessedEvents;
  publisher: EventPublisher;
  logger: Logger;
}

/**
 * Payment's part of the choreographed checkout saga (lab 08), events only: stock-reserved →
 * pay, answering payment.completed or payment.declined (the order service confirms or cancels
 * the order; its order.cancelled makes inventory release the stock); order.cancelled → refund a
 * payment taken, or void one not asked for yet.
 *
 * Each event takes effect once (processed_events, in the transaction of the payment). The answer
 * is the decision kept with the payment, published under one id per order, so a redelivered
 * stock-reserved gets the same answer and the order service drops the repeat.
 */
export function checkoutStepHandler({ ledger, processed, publisher, logger }: CheckoutStepDeps): EventHandler {
  const consumer = checkoutStepSubscription.group;
  return async (event) => {
    if (event.type === inventoryEventTypes.stockReserved) {
      const data = eventData(event, StockReservedData);
      sameOrder(event, data.orderId);
      await processed.once(consumer, event.id, async (tx) => {
        await ledger.payWithin(tx, data.orderId, amountOf(data.lines));
      });
      const payment = await ledger.get(data.orderId);
      if (!payment) throw new Error(`order ${data.orderId}: no payment kept for event ${event.id}`);
      if (payment.status === 'voided') {
        logger.info({ orderId: data.orderId }, `order ${data.orderId} was cancelled before its payment: nothing taken`);
        return;
      }
      const answer = answerOf(payment);
      await publisher.publish(answer);
      logger.info({ orderId: data.orderId, status: payment.status }, `order ${data.orderId}: ${answer.type}`);
    } else if (event.type === orderEventTypes.cancelled) {
      const data = eventData(event, OrderEventData);
      sameOrder(event, data.orderId);
      let status = '';
      await processed.once(consumer, event.id, async (tx) => {
        status = (await ledger.cancelWithin(tx, data.orderId)).status;
      });
      if (status) logger.info({ orderId: data.orderId, status }, `order ${data.orderId} cancelled: payment ${status}`);
    } else {
      throw new PoisonEventError(`unexpected event type ${event.type}`);
    }
  };
}

/** The decision as an event; a refunded payment was completed when it was decided. */
function answerOf(payment: Payment): CloudEvent {
  const declined = payment.status === 'declined';
  const answer = newEvent({
    source: eventSources.payment,
    type: declined ? paymentEventTypes.declined : paymentEventTypes.completed,
    subject: payment.orderId,
    data: {
      orderId: payment.orderId,
      amount: payment.amount,
      ...(declined && { code: payment.code, detail: payment.detail }),
    },
  });
  return { ...answer, id: `payment-${payment.orderId}` };
}

function sameOrder(event: CloudEvent, orderId: string): void {
  if (event.subject !== orderId) {
    throw new PoisonEventError(`${event.type} ${event.id}: subject ${event.subject} is not order ${orderId}`);
  }
}
