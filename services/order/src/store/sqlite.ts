import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sqliteProcessedEvents, type CloudEvent } from '@commlab/events';
import type { OrderStoreWithEvents, StatusChange, StatusChangeResult } from '../domain/ports.ts';
import { decideChange, decodeCursor, orderTables, processedBy, sqliteTypes, toPage } from './rows.ts';
import { fromRow, idempotencyFromRow, toRow, type IdempotencyRow, type OrderRow } from './rows.ts';

/** Orders in an embedded SQLite file (Node's built-in node:sqlite): native runs need no database server. */
export function sqliteOrderStore(file: string): OrderStoreWithEvents {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
  db.exec(orderTables(sqliteTypes));
  // A data directory from before orders had versions: every order there starts at 1.
  if (!hasColumn(db, 'orders', 'version')) db.exec('ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 1');
  const processed = openProcessedEvents(db);

  const insertOrder = db.prepare(
    'INSERT INTO orders (id, customer_id, status, lines, created_at, version) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertKey = db.prepare(
    'INSERT INTO idempotency_keys (key, fingerprint, order_id, response, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const keyRecord = db.prepare('SELECT key, fingerprint, response FROM idempotency_keys WHERE key = ?');
  const byId = db.prepare('SELECT * FROM orders WHERE id = ?');
  const setStatus = db.prepare('UPDATE orders SET status = ?, version = version + 1 WHERE id = ?');
  const page = db.prepare(`
    SELECT * FROM orders
    WHERE seq > :after AND (:status IS NULL OR status = :status) AND (:customer IS NULL OR customer_id = :customer)
    ORDER BY seq LIMIT :limit`);
  const addEvent = db.prepare('INSERT INTO order_events (id, event) VALUES (?, ?)');
  const unpublished = db.prepare('SELECT event FROM order_events WHERE published_at IS NULL ORDER BY seq LIMIT ?');
  const markPublished = db.prepare('UPDATE order_events SET published_at = ? WHERE id = ?');

  const addEvents = (events: readonly CloudEvent[]) => {
    for (const event of events) addEvent.run(event.id, JSON.stringify(event));
  };

  /** The change, inside the caller's transaction. node:sqlite is synchronous: nothing interleaves with it. */
  const change = (request: StatusChange): StatusChangeResult => {
    const result = decideChange(byId.get(request.orderId) as OrderRow | undefined, request);
    if (result.outcome === 'changed') {
      setStatus.run(result.order.status, result.order.id);
      addEvents([request.event(result.order)]);
    }
    return result;
  };

  return {
    insert: async (order, events = [], idempotency) => {
      inTransaction(db, () => {
        insertOrder.run(...toRow(order));
        if (idempotency) {
          const { key, fingerprint } = idempotency;
          insertKey.run(key, fingerprint, order.id, JSON.stringify(idempotency.order), new Date().toISOString());
        }
        addEvents(events);
      });
    },
    changeStatus: async (request) => {
      if (!request.causedBy) return inTransaction(db, () => change(request));
      let result: StatusChangeResult = { outcome: 'duplicate' };
      await processed.once(processedBy, request.causedBy, () => {
        result = change(request);
      });
      return result;
    },
    idempotencyRecord: async (key) => {
      const row = keyRecord.get(key) as IdempotencyRow | undefined;
      return row && idempotencyFromRow(row);
    },
    get: async (id) => {
      const row = byId.get(id) as OrderRow | undefined;
      return row && fromRow(row);
    },
    list: async ({ limit, after, status, customerId }) => {
      const rows = page.all({
        after: decodeCursor(after),
        status: status ?? null,
        customer: customerId ?? null,
        limit: limit + 1,
      }) as unknown as OrderRow[];
      return toPage(rows, limit);
    },
    unpublished: async (limit) =>
      (unpublished.all(limit) as { event: string }[]).map((row) => JSON.parse(row.event) as CloudEvent),
    markPublished: async (eventId) => {
      markPublished.run(new Date().toISOString(), eventId);
    },
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    close: async () => db.close(),
  };
}

/** Runs `work` in one transaction. node:sqlite is synchronous, so nothing interleaves with it. */
function inTransaction<T>(db: DatabaseSync, work: () => T): T {
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

/**
 * processed_events as @commlab/events keeps it. A data directory from before kept order's own
 * table of event ids under that name: its ids are carried over, so no event applied then is
 * applied again.
 */
function openProcessedEvents(db: DatabaseSync) {
  if (!hasColumn(db, 'processed_events', 'id')) return sqliteProcessedEvents(db);
  return inTransaction(db, () => {
    db.exec('ALTER TABLE processed_events RENAME TO processed_events_before_consumers');
    const processed = sqliteProcessedEvents(db);
    db.prepare(
      `INSERT INTO processed_events (consumer, event_id, processed_at)
       SELECT ?, id, processed_at FROM processed_events_before_consumers`,
    ).run(processedBy);
    db.exec('DROP TABLE processed_events_before_consumers');
    return processed;
  });
}

function hasColumn(db: DatabaseSync, table: string, column: string): boolean {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return columns.some((found) => found.name === column);
}
