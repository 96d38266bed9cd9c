import type { CloudEvent } from '@commlab/events';
import type { Order, OrderLine, Page } from './order.ts';

/** Where orders are kept. Adapters: SQLite (default) and PostgreSQL. */
export interface OrderStore {
  /** Stores the order and the events announcing it in one transaction (see event-ports.ts). */
  insert(order: Order, events?: readonly CloudEvent[]): Promise<void>;
  get(id: string): Promise<Order | undefined>;
  list(query: { limit: number; after?: string | undefined }): Promise<Page<Order>>;
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
