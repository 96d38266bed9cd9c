import type { CloudEvent } from '@commlab/events';
import type { Order, OrderStatus } from './order.ts';
import type { OrderStore } from './ports.ts';

/**
 * A status change, stored with the event announcing it in one transaction, so no change
 * misses its event and no event announces a change that was not stored.
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
}

export type StatusChangeResult =
  | { outcome: 'changed'; order: Order }
  | { outcome: 'unchanged'; order: Order }
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
