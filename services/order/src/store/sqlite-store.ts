import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { OrderStoreWithEvents } from '../domain/event-ports.ts';
import { decodeCursor, fromRow, toPage, toRow, type OrderRow } from './schema.ts';
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
      created_at TEXT NOT NULL
    );`);
  const insert = db.prepare('INSERT INTO orders (id, customer_id, status, lines, created_at) VALUES (?, ?, ?, ?, ?)');
  const byId = db.prepare('SELECT * FROM orders WHERE id = ?');
  const page = db.prepare('SELECT * FROM orders WHERE seq > ? ORDER BY seq LIMIT ?');
  const events = sqliteOrderEvents(db);

  return {
    ...events.lifecycle,
    insert: async (order, orderEvents = []) => {
      inTransaction(db, () => {
        insert.run(...toRow(order));
        events.add(orderEvents);
      });
    },
    get: async (id) => {
      const row = byId.get(id) as OrderRow | undefined;
      return row && fromRow(row);
    },
    list: async ({ limit, after }) => toPage(page.all(decodeCursor(after), limit + 1) as unknown as OrderRow[], limit),
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    close: async () => db.close(),
  };
}
