import type { CloudEvent } from '@commlab/events';
import type { Order, OrderLine, OrderQuery, Page } from './order.ts';

/**
 * An idempotency key and what it was first used for: a fingerprint of the request, and the
 * order as it was first answered (a replay answers exactly that again).
 */
export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  order: Order;
}

/** Where orders are kept. Adapters: SQLite (default) and PostgreSQL. */
export interface OrderStore {
  /**
   * Stores the order, the events announcing it (see event-ports.ts) and the idempotency key it
   * was placed with, in one transaction: a key never exists without its order, nor the reverse.
   * Fails, storing nothing, when the key is already taken.
   */
  insert(order: Order, events?: readonly CloudEvent[], idempotency?: IdempotencyRecord): Promise<void>;
  /** What an idempotency key was used for, if it was. */
  idempotencyRecord(key: string): Promise<IdempotencyRecord | undefined>;
  get(id: string): Promise<Order | undefined>;
  /** Oldest first (insertion order), so a cursor stays valid while orders are added. */
  list(query: OrderQuery): Promise<Page<Order>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Stock held for an order. Reservation ids are order ids, so retrying or releasing
 * after an unclear outcome is always safe.
 */
export interface StockReservations {
  /** Fails with an OrderError (UNKNOWN_SKU, INSUFFICIENT_STOCK, INVENTORY_UNAVAILABLE, INVENTORY_TIMEOUT...). */
  reserve(orderId: string, lines: readonly OrderLine[], deadline: Date): Promise<void>;
  release(orderId: string, deadline: Date): Promise<void>;
}
