import type { OrderEventData } from '@commlab/contracts/events';
import { OrderError } from './errors.ts';
import type { OrderLifecycleStore, StatusChange, StatusChangeResult, StockReservations } from './ports.ts';
import { statusesLeadingTo, type Order } from './order.ts';
import { orderEvent } from './order-events.ts';

export interface OrderLifecycleDeps {
  store: OrderLifecycleStore;
  /** Told after a commit that stored events, so the relay publishes them now. */
  onEventsStored?: () => void;
  /**
   * Set when no event bus carries order.cancelled to inventory (EVENT_BUS=none): a
   * cancellation then releases the stock itself, through inventory's API, within `timeoutMs`.
   * With a bus, leave it unset: inventory releases the stock when it consumes the event.
   */
  directRelease?: { stock: Pick<StockReservations, 'release'>; timeoutMs: number };
}

/** What happens to an order after it was placed: inventory's answer, and cancellation. */
export class OrderLifecycle {
  readonly #store: OrderLifecycleStore;
  readonly #stored: () => void;
  readonly #directRelease: OrderLifecycleDeps['directRelease'];

  constructor({ store, onEventsStored = () => {}, directRelease }: OrderLifecycleDeps) {
    this.#store = store;
    this.#stored = onEventsStored;
    this.#directRelease = directRelease;
  }

  /**
   * Inventory holds the stock: a pending order becomes confirmed. `eventId` (when inventory's
   * answer came as an event) makes a redelivery harmless.
   */
  stockReserved(orderId: string, eventId?: string): Promise<StatusChangeResult> {
    return this.#change({
      orderId,
      from: statusesLeadingTo('confirmed'),
      to: 'confirmed',
      event: (order) => orderEvent('confirmed', order),
      causedBy: eventId,
    });
  }

  /** Inventory refused the stock: a pending order becomes rejected, with inventory's reason. */
  stockRejected(orderId: string, reason: NonNullable<OrderEventData['reason']>, eventId?: string) {
    return this.#change({
      orderId,
      from: statusesLeadingTo('rejected'),
      to: 'rejected',
      event: (order) => orderEvent('rejected', order, reason),
      causedBy: eventId,
    });
  }

  /** Lab 08's saga: payment took the money (after the stock was reserved): a pending order becomes confirmed. */
  paymentCompleted(orderId: string, eventId?: string): Promise<StatusChangeResult> {
    return this.stockReserved(orderId, eventId);
  }

  /**
   * Lab 08's saga: payment refused, so the pending order is cancelled, with payment's reason.
   * Its order.cancelled is the compensation's signal: inventory releases the stock.
   */
  paymentDeclined(orderId: string, reason: NonNullable<OrderEventData['reason']>, eventId?: string) {
    return this.#change({
      orderId,
      from: ['pending'],
      to: 'cancelled',
      event: (order) => orderEvent('cancelled', order, reason),
      causedBy: eventId,
    });
  }

  /**
   * Cancels a pending or confirmed order and releases its stock: by event (order.cancelled),
   * or directly when there is no bus. `ifVersion` makes it conditional on the version the
   * caller last read. Cancelling a cancelled order answers the same again, whatever version the
   * caller saw (the change asked for is in effect; RFC 9110 §13.1.1 allows that success), and
   * releases again, so repeating a cancellation whose release failed completes it.
   */
  async cancel(orderId: string, { ifVersion }: { ifVersion?: readonly number[] | undefined } = {}): Promise<Order> {
    const result = await this.#change({
      orderId,
      from: statusesLeadingTo('cancelled'),
      to: 'cancelled',
      event: (order) => orderEvent('cancelled', order),
      ...(ifVersion && { ifVersion }),
    });
    if (result.outcome === 'missing' || result.outcome === 'duplicate') {
      throw new OrderError('ORDER_NOT_FOUND', `order ${orderId} does not exist`, { subject: orderId });
    }
    const { order } = result;
    if (order.status === 'cancelled') {
      await this.#release(order);
      return order;
    }
    if (result.outcome === 'stale') {
      throw new OrderError(
        'VERSION_MISMATCH',
        `order ${orderId} is at version ${order.version}, not the one you read; read it again`,
        { subject: orderId },
      );
    }
    throw new OrderError(
      'ORDER_NOT_CANCELLABLE',
      `order ${orderId} is ${order.status}; only a pending or confirmed order can be cancelled`,
      { subject: orderId },
    );
  }

  async #release(order: Order): Promise<void> {
    if (!this.#directRelease) return;
    const { stock, timeoutMs } = this.#directRelease;
    try {
      await stock.release(order.id, new Date(Date.now() + timeoutMs));
    } catch (err) {
      const reason = err instanceof OrderError ? err.reason : 'INVENTORY_UNAVAILABLE';
      throw new OrderError(
        reason,
        `order ${order.id} is cancelled, but its stock is not released yet (${(err as Error).message}); cancel it again to release it`,
        { subject: order.id, cause: err },
      );
    }
  }

  async #change(change: StatusChange): Promise<StatusChangeResult> {
    const result = await this.#store.changeStatus(change);
    if (result.outcome === 'changed') this.#stored();
    return result;
  }
}
