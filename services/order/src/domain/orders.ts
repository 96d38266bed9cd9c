import { randomUUID } from 'node:crypto';
import { OrderError } from './errors.ts';
import type { NewOrder, Order, Page } from './order.ts';
import { orderEvent } from './order-events.ts';
import type { OrderStore, StockReservations } from './ports.ts';

export interface OrdersDeps {
  store: OrderStore;
  stock: StockReservations;
  /** How long the whole reservation may take, end to end. */
  reserveTimeoutMs: number;
  onCompensationFailure?: (orderId: string, err: unknown) => void;
  /**
   * CHECKOUT_MODE. sync: reserve the stock, then store the order confirmed. async: store it
   * pending at once; inventory answers by event (OrderLifecycle applies the answer).
   */
  checkout?: 'sync' | 'async';
  /** Told after a commit that stored events, so the relay publishes them now. */
  onEventsStored?: () => void;
  now?: () => Date;
  newId?: () => string;
}

/** The order use cases: no HTTP, no gRPC, no SQL in here. */
export class Orders {
  readonly #deps: Required<OrdersDeps>;

  constructor(deps: OrdersDeps) {
    this.#deps = {
      now: () => new Date(),
      newId: randomUUID,
      onCompensationFailure: () => {},
      checkout: 'sync',
      onEventsStored: () => {},
      ...deps,
    };
  }

  /**
   * Sync checkout: reserves stock, then stores the order. Either both happen or neither does: if the
   * reservation's outcome is unclear (timeout) or storing fails, the reservation is
   * released, so a refused order never holds stock. (Async checkout: see #accept.)
   */
  async place(input: NewOrder): Promise<Order> {
    const { store, stock, newId, now, reserveTimeoutMs } = this.#deps;
    const order: Order = {
      id: newId(),
      customerId: input.customerId,
      status: 'confirmed',
      lines: input.lines,
      createdAt: now().toISOString(),
    };
    if (this.#deps.checkout === 'async') return this.#accept({ ...order, status: 'pending' });
    try {
      await stock.reserve(order.id, order.lines, new Date(now().getTime() + reserveTimeoutMs));
    } catch (err) {
      if (err instanceof OrderError && err.reason === 'INVENTORY_TIMEOUT') await this.#release(order.id);
      throw err;
    }
    try {
      await store.insert(order, [orderEvent('placed', order), orderEvent('confirmed', order)]);
    } catch (err) {
      await this.#release(order.id);
      throw err;
    }
    this.#deps.onEventsStored();
    return order;
  }

  /** Async checkout: the order and its placed event are stored; nothing waits on inventory. */
  async #accept(order: Order): Promise<Order> {
    await this.#deps.store.insert(order, [orderEvent('placed', order)]);
    this.#deps.onEventsStored();
    return order;
  }

  async get(id: string): Promise<Order> {
    const order = await this.#deps.store.get(id);
    if (!order) throw new OrderError('ORDER_NOT_FOUND', `order ${id} does not exist`, { subject: id });
    return order;
  }

  list(query: { limit: number; after?: string | undefined }): Promise<Page<Order>> {
    return this.#deps.store.list(query);
  }

  async #release(orderId: string): Promise<void> {
    try {
      await this.#deps.stock.release(orderId, new Date(this.#deps.now().getTime() + this.#deps.reserveTimeoutMs));
    } catch (err) {
      this.#deps.onCompensationFailure(orderId, err);
    }
  }
}
