import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { OrderStoreWithEvents } from '../domain/event-ports.ts';
import {
  decodeCursor,
  fromRow,
  idempotencyFromRow,
  toPage,
  toRow,
  type IdempotencyRow,
  type OrderRow,
} from './schema.ts';
import { inTransaction, sqliteOrderEvents } from './sqlite-events.ts';

/** Orders in an embedded SQLite file (Node's built-in node:sqlite): native runs need no database server. */
export function sqliteOrderStore(file: string): OrderStoreWithEvents {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS orders (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      customer_id TEXT NOT NULL,
      status TEXT NOT NULL,
      lines TEXT NOT NULL,
      created_at TEXT NOT NULL,
      version INTEGER NOT NULL DEFAULT 1
    );`);
  // A data directory from before orders had versions: every order there starts at 1.
  const columns = db.prepare('PRAGMA table_info(orders)').all() as { name: string }[];
  if (!columns.some((column) => column.name === 'version')) {
    db.exec('ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 1');
  }
  // The filtered listings walk these in seq order, so a page never scans other statuses or customers.
  db.exec(`
    CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status, seq);
    CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, seq);
    CREATE TABLE IF NOT EXISTS idempotency_keys (
      key TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      order_id TEXT NOT NULL REFERENCES orders (id),
      response TEXT NOT NULL,
      created_at TEXT NOT NULL
    );`);
  const insert = db.prepare(
    'INSERT INTO orders (id, customer_id, status, lines, created_at, version) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertKey = db.prepare(
    'INSERT INTO idempotency_keys (key, fingerprint, order_id, response, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const keyRecord = db.prepare('SELECT key, fingerprint, response FROM idempotency_keys WHERE key = ?');
  const byId = db.prepare('SELECT * FROM orders WHERE id = ?');
  const page = db.prepare(`
    SELECT * FROM orders
    WHERE seq > :after AND (:status IS NULL OR status = :status) AND (:customer IS NULL OR customer_id = :customer)
    ORDER BY seq LIMIT :limit`);
  const events = sqliteOrderEvents(db);

  return {
    ...events.lifecycle,
    insert: async (order, orderEvents = [], idempotency) => {
      inTransaction(db, () => {
        insert.run(...toRow(order));
        if (idempotency) {
          const { key, fingerprint } = idempotency;
          insertKey.run(key, fingerprint, order.id, JSON.stringify(idempotency.order), new Date().toISOString());
        }
        events.add(orderEvents);
      });
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
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    close: async () => db.close(),
  };
}
