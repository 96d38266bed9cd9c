import type { CloudEvent, EventOutbox } from '@commlab/events';
import type { Order, OrderLine, OrderQuery, OrderStatus, Page } from './order.ts';

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
   * Stores the order, the events announcing it and the idempotency key it was placed with, in
   * one transaction: a key never exists without its order, nor the reverse, and no change
   * misses its event. Fails, storing nothing, when the key is already taken.
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
 * A status change, stored with the event announcing it in one transaction, so no change
 * misses its event and no event announces a change that was not stored. Every change counts
 * the order's version up by one.
 */
export interface StatusChange {
  orderId: string;
  /** The change applies only from these statuses; from any other, nothing changes. */
  from: readonly OrderStatus[];
  to: OrderStatus;
  event: (changed: Order) => CloudEvent;
  /**
   * The id of the event that caused the change. Recorded in the same transaction (the
   * processed events of @commlab/events), so a redelivery of that event finds it and changes
   * nothing: an idempotent consumer.
   */
  causedBy?: string;
  /**
   * Optimistic concurrency: the change applies only while the order's version is one of these
   * (the caller's last read). Checked before anything else, in the same transaction.
   */
  ifVersion?: readonly number[];
}

export type StatusChangeResult =
  | { outcome: 'changed'; order: Order }
  | { outcome: 'unchanged'; order: Order }
  /** The order moved on since the caller read it (its version is not one of `ifVersion`). */
  | { outcome: 'stale'; order: Order }
  | { outcome: 'duplicate' }
  | { outcome: 'missing' };

export interface OrderLifecycleStore {
  changeStatus(change: StatusChange): Promise<StatusChangeResult>;
}

/** What each order store adapter provides: orders, their status changes, and the outbox of their events. */
export type OrderStoreWithEvents = OrderStore & OrderLifecycleStore & EventOutbox;

/**
 * Stock held for an order. Reservation ids are order ids, so retrying or releasing
 * after an unclear outcome is always safe.
 */
export interface StockReservations {
  /** Fails with an OrderError (UNKNOWN_SKU, INSUFFICIENT_STOCK, INVENTORY_UNAVAILABLE, INVENTORY_TIMEOUT...). */
  reserve(orderId: string, lines: readonly OrderLine[], deadline: Date): Promise<void>;
  release(orderId: string, deadline: Date): Promise<void>;
}

/** How far a read model has followed the log: `behind` events are stored but not in it yet. */
export interface Consistency {
  position: number;
  head: number;
  behind: number;
}

/** One event of an order's stream, as stored (the event store's write side). */
export interface StoredOrderEvent {
  version: number;
  position: number;
  id: string;
  type: string;
  status: OrderStatus;
  recordedAt: string;
}

export interface OrderSummaryView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  itemCount: number;
  version: number;
  position: number;
  updatedAt: string;
}

export interface CustomerHistoryView {
  position: number;
  orderId: string;
  event: string;
  status: OrderStatus;
  itemCount: number;
  recordedAt: string;
}

/**
 * What an event-sourced store adds (ORDER_STORE=event-store): an order's stream, and the read
 * models that follow the log — each answer says how far behind the log it is.
 */
export interface OrderReadModels {
  /** The order's events in version order; undefined when the stream does not exist. */
  stream(orderId: string): Promise<StoredOrderEvent[] | undefined>;
  summaries(query: { customerId?: string | undefined; limit: number }): Promise<{
    orders: OrderSummaryView[];
    consistency: Consistency;
  }>;
  history(
    customerId: string,
    query: { after: number; limit: number },
  ): Promise<{
    entries: CustomerHistoryView[];
    consistency: Consistency;
  }>;
  /**
   * The order's latest snapshot against a fold of its events up to the snapshot's version
   * (undefined when the stream does not exist). A snapshot is a cache: `equal` must hold.
   */
  snapshot(
    orderId: string,
  ): Promise<{ snapshotVersion: number | null; streamVersion: number; equal: boolean } | undefined>;
  /** Drops a read model and replays the log into it; resolves once it caught up again. */
  rebuild(readModel: 'order-summary' | 'customer-history'): Promise<Consistency>;
}
