import type { DatabaseSync } from 'node:sqlite';
import { processedEventsTable, type ProcessedEvents } from './processed-events.ts';

/**
 * processed_events in a node:sqlite database. The effect receives the same connection and
 * writes through it inside the transaction. One connection holds one transaction at a time,
 * so calls are queued: handlers running concurrently (prefetch > 1, several partitions)
 * take turns here. A synchronous effect (node:sqlite's statements are) runs from BEGIN to
 * COMMIT without yielding, so nothing else the service writes on the connection can land
 * inside its transaction; an asynchronous one must be the connection's only writer meanwhile.
 */
export function sqliteProcessedEvents(db: DatabaseSync): ProcessedEvents<DatabaseSync> {
  db.exec(processedEventsTable);
  const record = db.prepare(
    'INSERT INTO processed_events (consumer, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  let queue: Promise<unknown> = Promise.resolve();

  const transaction = async (consumer: string, eventId: string, effect: (tx: DatabaseSync) => Promise<void> | void) => {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (record.run(consumer, eventId, new Date().toISOString()).changes === 0) {
        db.exec('ROLLBACK');
        return false;
      }
      const pending = effect(db);
      if (pending) await pending;
      db.exec('COMMIT');
      return true;
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  };

  return {
    once: (consumer, eventId, effect) => {
      const result = queue.then(() => transaction(consumer, eventId, effect));
      queue = result.catch(() => {});
      return result;
    },
  };
}
