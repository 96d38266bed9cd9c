import type { OrderEventData } from '@commlab/contracts/events';
import { OrderError } from './errors.ts';
import type { OrderLifecycleStore, StatusChangeResult } from './event-ports.ts';
import type { Order } from './order.ts';
import { orderEvent } from './order-events.ts';

export interface OrderLifecycleDeps {
  store: OrderLifecycleStore;
  /** Told after a commit that stored events, so the relay publishes them now. */
  onEventsStored?: () => void;
}

/** What happens to an order after it was placed: inventory's answer, and cancellation. */
export class OrderLifecycle {
  readonly #store: OrderLifecycleStore;
  readonly #stored: () => void;

  constructor({ store, onEventsStored = () => {} }: OrderLifecycleDeps) {
    this.#store = store;
    this.#stored = onEventsStored;
  }

  /** Inventory holds the stock: a pending order becomes confirmed. `eventId` makes a redelivery harmless. */
  stockReserved(orderId: string, eventId: string): Promise<StatusChangeResult> {
    return this.#change({
      orderId,
      from: ['pending'],
      to: 'confirmed',
      event: (order) => orderEvent('confirmed', order),
      causedBy: eventId,
    });
  }

  /** Inventory refused the stock: a pending order becomes rejected, with inventory's reason. */
  stockRejected(orderId: string, reason: NonNullable<OrderEventData['reason']>, eventId: string) {
    return this.#change({
      orderId,
      from: ['pending'],
      to: 'rejected',
      event: (order) => orderEvent('rejected', order, reason),
      causedBy: eventId,
    });
  }

  /**
   * Cancels a pending or confirmed order; inventory releases its stock when it hears of it.
   * Cancelling a cancelled order answers the same again; a rejected order cannot be cancelled.
   */
  async cancel(orderId: string): Promise<Order> {
    const result = await this.#change({
      orderId,
      from: ['pending', 'confirmed'],
      to: 'cancelled',
      event: (order) => orderEvent('cancelled', order),
    });
    if (result.outcome === 'missing' || result.outcome === 'duplicate') {
      throw new OrderError('ORDER_NOT_FOUND', `order ${orderId} does not exist`, { subject: orderId });
    }
    if (result.order.status !== 'cancelled') {
      throw new OrderError('ORDER_NOT_CANCELLABLE', `order ${orderId} is ${result.order.status}`, {
        subject: orderId,
      });
    }
    return result.order;
  }

  async #change(change: Parameters<OrderLifecycleStore['changeStatus']>[0]): Promise<StatusChangeResult> {
    const result = await this.#store.changeStatus(change);
    if (result.outcome === 'changed') this.#stored();
    return result;
  }
}
