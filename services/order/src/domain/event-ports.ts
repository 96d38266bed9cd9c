import type { CloudEvent } from '@commlab/events';
import type { Order, OrderStatus } from './order.ts';
import type { OrderStore } from './ports.ts';

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
   * The id of the event that caused the change. Recorded in the same transaction, so a
   * redelivery of that event finds it and changes nothing (an idempotent consumer).
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

/** Events stored with the changes they announce, waiting to be published (oldest first). */
export interface EventOutbox {
  unpublished(limit: number): Promise<CloudEvent[]>;
  markPublished(eventId: string): Promise<void>;
}

/** What each order store adapter provides: orders, their status changes, and the outbox. */
export type OrderStoreWithEvents = OrderStore & OrderLifecycleStore & EventOutbox;
