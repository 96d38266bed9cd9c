import { createHash, randomUUID } from 'node:crypto';
import { inventoryUnwell, OrderError } from './errors.ts';
import type { NewOrder, Order, OrderQuery, Page } from './order.ts';
import { orderEvent } from './order-events.ts';
import type { IdempotencyRecord, OrderStore, StockReservations } from './ports.ts';

/** What placing answered: the order, and whether it is the replay of an earlier request with the same key. */
export interface Placed {
  order: Order;
  replayed: boolean;
}

export interface OrdersDeps {
  store: OrderStore;
  stock: StockReservations;
  /** How long the whole reservation may take, end to end. */
  reserveTimeoutMs: number;
  onCompensationFailure?: (orderId: string, err: unknown) => void;
  /**
   * CHECKOUT_MODE. sync: reserve the stock, then store the order confirmed. async: store it
   * pending at once; inventory answers by event (OrderLifecycle applies the answer).
   * choreography and orchestration (lab 08's saga): pending at once too; the payment step
   * follows by events, or a saga orchestrator drives every step.
   */
  checkout?: 'sync' | 'async' | 'choreography' | 'orchestration';
  /** Told after a commit that stored an order pending: the saga orchestrator begins its saga. */
  onAccepted?: (order: Order) => void;
  /**
   * INVENTORY_FALLBACK, for sync checkout. none: when inventory is unwell (unreachable, too slow,
   * its breaker open) placing fails and nothing is stored. pending: the order is stored pending
   * instead, a visible degraded answer, and PendingReservations reserves its stock later.
   */
  fallback?: 'none' | 'pending';
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
      fallback: 'none',
      onEventsStored: () => {},
      onAccepted: () => {},
      ...deps,
    };
  }

  /**
   * Places an order once per idempotency key: a retry with the same key and the same order
   * gets the first answer again and changes nothing; the same key with a different order is
   * refused. The key is stored in the order's own transaction, so it survives restarts and
   * exists exactly when the order does. A request that failed stored no key: retrying it
   * tries again.
   */
  async place(input: NewOrder, { idempotencyKey }: { idempotencyKey?: string | undefined } = {}): Promise<Placed> {
    if (idempotencyKey === undefined) return { order: await this.#place(input), replayed: false };
    const fingerprint = fingerprintOf(input);
    const earlier = await this.#deps.store.idempotencyRecord(idempotencyKey);
    if (earlier) return replay(earlier, fingerprint);
    try {
      return { order: await this.#place(input, { key: idempotencyKey, fingerprint }), replayed: false };
    } catch (err) {
      // A concurrent request with the same key committed first: ours stored nothing (and
      // released its reservation), so answer as a retry would be answered.
      const winner = await this.#deps.store.idempotencyRecord(idempotencyKey);
      if (winner) return replay(winner, fingerprint);
      throw err;
    }
  }

  /**
   * Sync checkout: reserves stock, then stores the order. Either both happen or neither does: if the
   * reservation's outcome is unclear (timeout) or storing fails, the reservation is
   * released, so a refused order never holds stock. (Async checkout: see #accept.) With the
   * pending fallback, an unwell inventory makes it an accepted pending order instead; nothing is
   * released then, as its reservation (same id) is made again later and may already be held.
   */
  async #place(input: NewOrder, key?: Omit<IdempotencyRecord, 'order'>): Promise<Order> {
    const { store, stock, newId, now, reserveTimeoutMs } = this.#deps;
    const order: Order = {
      id: newId(),
      customerId: input.customerId,
      status: 'confirmed',
      lines: input.lines,
      createdAt: now().toISOString(),
      version: 1,
    };
    if (this.#deps.checkout !== 'sync') return this.#accept({ ...order, status: 'pending' }, key);
    try {
      await stock.reserve(order.id, order.lines, new Date(now().getTime() + reserveTimeoutMs));
    } catch (err) {
      if (this.#deps.fallback === 'pending' && inventoryUnwell(err)) {
        return this.#accept({ ...order, status: 'pending' }, key);
      }
      if (err instanceof OrderError && err.reason === 'INVENTORY_TIMEOUT') await this.#release(order.id);
      throw err;
    }
    try {
      await store.insert(
        order,
        [orderEvent('placed', order), orderEvent('confirmed', order)],
        key && { ...key, order },
      );
    } catch (err) {
      await this.#release(order.id);
      throw err;
    }
    this.#deps.onEventsStored();
    return order;
  }

  /** Async checkout (or the pending fallback): the order and its placed event are stored; nothing waits on inventory. */
  async #accept(order: Order, key?: Omit<IdempotencyRecord, 'order'>): Promise<Order> {
    await this.#deps.store.insert(order, [orderEvent('placed', order)], key && { ...key, order });
    this.#deps.onEventsStored();
    this.#deps.onAccepted(order);
    return order;
  }

  async get(id: string): Promise<Order> {
    const order = await this.#deps.store.get(id);
    if (!order) throw new OrderError('ORDER_NOT_FOUND', `order ${id} does not exist`, { subject: id });
    return order;
  }

  list(query: OrderQuery): Promise<Page<Order>> {
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

/** Two requests are the same order when customer and lines are equal, in the same order. */
function fingerprintOf(input: NewOrder): string {
  const canonical = JSON.stringify([input.customerId, input.lines.map((line) => [line.sku, line.quantity])]);
  return createHash('sha256').update(canonical).digest('base64url');
}

function replay(earlier: IdempotencyRecord, fingerprint: string): Placed {
  if (earlier.fingerprint !== fingerprint) {
    throw new OrderError(
      'IDEMPOTENCY_KEY_REUSED',
      `idempotency key ${earlier.key} was used for a different order (${earlier.order.id}); use a new key for a new order`,
      { subject: earlier.key },
    );
  }
  return { order: earlier.order, replayed: true };
}
