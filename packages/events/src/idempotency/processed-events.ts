import type { Database, Transaction } from '@commlab/sql';
import type { EventHandler } from '../bus.ts';
import type { CloudEvent } from '../envelope.ts';

/**
 * Where a consumer records the events it has applied — in the same database transaction as
 * their effect. Brokers deliver at least once (a redelivery after a crash, a rebalance or a
 * lost ack is normal), so this is what makes the effect happen exactly once.
 */
export interface ProcessedEvents<Tx = Transaction> {
  /**
   * Runs `effect` and records `eventId` for `consumer`, in one transaction (`tx`: write the
   * effect through it). When the event was already recorded it runs nothing and returns
   * false. When `effect` throws, nothing is recorded and the error propagates, so the
   * redelivered event is applied then.
   */
  once(consumer: string, eventId: string, effect: (tx: Tx) => Promise<void> | void): Promise<boolean>;
}

/** The table every adapter keeps (SQL shared by SQLite and PostgreSQL). */
export const processedEventsTable = `
  CREATE TABLE IF NOT EXISTS processed_events (
    consumer TEXT NOT NULL,
    event_id TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (consumer, event_id)
  )`;

/**
 * processed_events in the service's own database (@commlab/sql: SQLite or PostgreSQL), beside
 * the tables its effects write. Two deliveries of one event at the same moment are safe: on
 * PostgreSQL the second insert waits on the first one's key and then finds it; SQLite runs one
 * transaction at a time. (sqlite.ts and postgres.ts do the same on a raw node:sqlite or pg
 * connection, for a store that keeps its own.)
 */
export async function processedEvents(db: Database): Promise<ProcessedEvents> {
  await db.setUp(processedEventsTable);
  return {
    once: (consumer, eventId, effect) =>
      db.transaction(async (tx) => {
        const recorded = await tx.execute(
          'INSERT INTO processed_events (consumer, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          [consumer, eventId, new Date().toISOString()],
        );
        if (recorded === 0) return false;
        await effect(tx);
        return true;
      }),
  };
}

/**
 * Wraps a handler so each event id takes effect once per consumer. The handler gets the
 * transaction to write its effect in:
 *
 *   bus.subscribe({ group: 'shipping', types }, idempotent(processed, 'shipping', (event, tx) => ...))
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
