import type { DatabaseSync } from 'node:sqlite';
import type { CloudEvent } from '@commlab/events';
import type { EventOutbox, OrderLifecycleStore } from '../domain/event-ports.ts';
import { fromRow, isStale, type OrderRow } from './schema.ts';

/**
 * Two tables beside `orders`. order_events: each event stored in the transaction that made
 * the change it announces, unpublished (published_at NULL) until the broker confirmed it.
 * processed_events: the ids of events this service has acted on, recorded in the transaction
 * of the effect, so a redelivered event is recognised and changes nothing.
 */
export const sqliteEventTables = `
  CREATE TABLE IF NOT EXISTS order_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    published_at TEXT
  );
  CREATE INDEX IF NOT EXISTS order_events_unpublished ON order_events (seq) WHERE published_at IS NULL;
  CREATE TABLE IF NOT EXISTS processed_events (
    id TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL
  );`;

/** Runs `work` in one transaction. node:sqlite is synchronous, so nothing interleaves with it. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

export function sqliteOrderEvents(db: DatabaseSync) {
  db.exec(sqliteEventTables);
  const addEvent = db.prepare('INSERT INTO order_events (id, event) VALUES (?, ?)');
  const unpublished = db.prepare('SELECT event FROM order_events WHERE published_at IS NULL ORDER BY seq LIMIT ?');
  const markPublished = db.prepare('UPDATE order_events SET published_at = ? WHERE id = ?');
  const processed = db.prepare('INSERT OR IGNORE INTO processed_events (id, processed_at) VALUES (?, ?)');
  const byId = db.prepare('SELECT * FROM orders WHERE id = ?');
  const setStatus = db.prepare('UPDATE orders SET status = ?, version = version + 1 WHERE id = ?');

  const add = (events: readonly CloudEvent[]) => {
    for (const event of events) addEvent.run(event.id, JSON.stringify(event));
  };

  const lifecycle: OrderLifecycleStore & EventOutbox = {
    changeStatus: async ({ orderId, from, to, event, causedBy, ifVersion }) =>
      inTransaction(db, () => {
        if (causedBy && processed.run(causedBy, new Date().toISOString()).changes === 0) {
          return { outcome: 'duplicate' as const };
        }
        const row = byId.get(orderId) as OrderRow | undefined;
        if (!row) return { outcome: 'missing' as const };
        const order = fromRow(row);
        if (isStale(order, ifVersion)) return { outcome: 'stale' as const, order };
        if (!from.includes(order.status)) return { outcome: 'unchanged' as const, order };
        const changed = { ...order, status: to, version: order.version + 1 };
        setStatus.run(to, orderId);
        add([event(changed)]);
        return { outcome: 'changed' as const, order: changed };
      }),
    unpublished: async (limit) =>
      (unpublished.all(limit) as { event: string }[]).map((row) => JSON.parse(row.event) as CloudEvent),
    markPublished: async (eventId) => {
      markPublished.run(new Date().toISOString(), eventId);
    },
  };
  return { add, lifecycle };
}
