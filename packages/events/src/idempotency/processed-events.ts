import type { EventHandler } from '../bus.ts';
import type { CloudEvent } from '../envelope.ts';

/**
 * Where a consumer records the events it has applied — in the same database transaction as
 * their effect. Brokers deliver at least once (a redelivery after a crash, a rebalance or a
 * lost ack is normal), so this is what makes the effect happen exactly once.
 */
export interface ProcessedEvents<Tx> {
  /**
   * Runs `effect` and records `eventId` for `consumer`, in one transaction. When the event
   * was already recorded it runs nothing and returns false. When `effect` throws, nothing is
   * recorded and the error propagates, so the redelivered event is applied then.
   */
  once(consumer: string, eventId: string, effect: (tx: Tx) => Promise<void> | void): Promise<boolean>;
}

/** The table both adapters keep (SQL shared by SQLite and PostgreSQL). */
export const processedEventsTable = `
  CREATE TABLE IF NOT EXISTS processed_events (
    consumer TEXT NOT NULL,
    event_id TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (consumer, event_id)
  )`;

/**
 * Wraps a handler so each event id takes effect once per consumer. The handler gets the
 * transaction to write its effect in:
 *
 *   bus.subscribe({ group: 'inventory', types }, idempotent(processed, 'inventory', (event, tx) => ...))
 */
export function idempotent<Tx>(
  store: ProcessedEvents<Tx>,
  consumer: string,
  handler: (event: CloudEvent, tx: Tx) => Promise<void> | void,
): EventHandler {
  return async (event) => {
    await store.once(consumer, event.id, (tx) => handler(event, tx));
  };
}
