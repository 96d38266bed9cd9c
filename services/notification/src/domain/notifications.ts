import type { OrderEventData } from '@commlab/contracts/events';

/** One order event as the notification service keeps it for a customer. */
export interface OrderNotification {
  eventId: string;
  type: string;
  orderId: string;
  customerId: string;
  status: OrderEventData['status'];
  time: string;
  data: OrderEventData;
}

export interface RecordedNotification extends OrderNotification {
  /** Position in the log: increases by one with each new event, never reused. */
  seq: number;
}

export interface ReadQuery {
  /** Entries after this position (0: from the start) — where a reconnecting client resumes. */
  after: number;
  limit: number;
  customerId?: string | undefined;
  orderId?: string | undefined;
}

/**
 * The notification service's domain: a durable, append-only log of the order events each
 * customer is told about. Pushing them to browsers (chapter 6) reads from here, so a client
 * that reconnects asks for "everything after seq N" and misses nothing.
 * Adapters: SQLite (default) and PostgreSQL.
 */
export interface NotificationLog {
  /**
   * Records an event once. The event id is unique in the log, so recording it and
   * remembering it was recorded are one write: a redelivery returns the first seq.
   */
  append(notification: OrderNotification): Promise<{ seq: number; duplicate: boolean }>;
  read(query: ReadQuery): Promise<RecordedNotification[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
