import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { NotificationLog } from '../domain/notifications.ts';
import { columns, fromRow, readFilter, toRow, type NotificationRow } from './rows.ts';

/** The notification log in an embedded SQLite file. */
export function sqliteNotificationLog(file: string): NotificationLog {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS notifications (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      customer_id TEXT NOT NULL,
      order_id TEXT NOT NULL,
      type TEXT NOT NULL,
      status TEXT NOT NULL,
      time TEXT NOT NULL,
      data TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS notifications_customer ON notifications (customer_id, seq);
    CREATE INDEX IF NOT EXISTS notifications_order ON notifications (order_id, seq);`);
  const insert = db.prepare(
    `INSERT INTO notifications (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
  );
  const seqOf = db.prepare('SELECT seq FROM notifications WHERE event_id = ?');

  return {
    append: async (notification) => {
      const { changes, lastInsertRowid } = insert.run(...toRow(notification));
      if (changes > 0) return { seq: Number(lastInsertRowid), duplicate: false };
      const row = seqOf.get(notification.eventId) as { seq: number };
      return { seq: Number(row.seq), duplicate: true };
    },
    read: async (query) => {
      const { sql, values } = readFilter(query, () => '?');
      const rows = db.prepare(`SELECT * FROM notifications ${sql}`).all(...values) as unknown as NotificationRow[];
      return rows.map(fromRow);
    },
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    close: async () => db.close(),
  };
}
