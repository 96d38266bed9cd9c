import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { CloudEvent } from '@commlab/events';
import { toFeedEntry, type Feed, type FeedEntry } from '../domain/feed.ts';

interface Row {
  id: number;
  event_id: string;
  customer_id: string;
  order_id: string;
  status: string;
  event_type: string;
  time: string;
}

const fromRow = (row: Row): FeedEntry => ({
  id: Number(row.id),
  eventId: row.event_id,
  customerId: row.customer_id,
  orderId: row.order_id,
  status: row.status,
  eventType: row.event_type,
  time: row.time,
});

/**
 * The feed in an embedded SQLite file (node:sqlite). AUTOINCREMENT never reuses an id, and
 * in WAL mode an append that returned survives the process crashing or restarting, so a
 * client resuming after a restart finds every id it was ever sent. (synchronous=NORMAL: a
 * power cut may lose the last appends; the broker redelivers what was not acknowledged.)
 */
export function sqliteFeed(file: string): Feed {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS feed (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      customer_id TEXT NOT NULL,
      order_id TEXT NOT NULL,
      status TEXT NOT NULL,
      event_type TEXT NOT NULL,
      time TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS feed_by_customer ON feed (customer_id, id);`);
  const insert = db.prepare(
    `INSERT INTO feed (event_id, customer_id, order_id, status, event_type, time) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (event_id) DO NOTHING RETURNING id`,
  );
  const byEventId = db.prepare('SELECT id FROM feed WHERE event_id = ?');
  const page = db.prepare('SELECT * FROM feed WHERE customer_id = ? AND id > ? ORDER BY id LIMIT ?');
  const head = db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM feed');
  const listeners = new Set<(entry: FeedEntry) => void>();

  return {
    append: async (event: CloudEvent) => {
      const entry = toFeedEntry(event);
      const inserted = insert.get(
        entry.eventId,
        entry.customerId,
        entry.orderId,
        entry.status,
        entry.eventType,
        entry.time,
      ) as { id: number } | undefined;
      if (!inserted) return Number((byEventId.get(entry.eventId) as { id: number }).id); // a redelivery
      const stored = { id: Number(inserted.id), ...entry };
      for (const listener of listeners) {
        try {
          listener(stored);
        } catch {
          // The entry is stored; a failing listener must not turn a durable append into an error.
        }
      }
      return stored.id;
    },
    read: async (customerId, afterId, limit) => (page.all(customerId, afterId, limit) as unknown as Row[]).map(fromRow),
    head: async () => Number((head.get() as { id: number }).id),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ping: async () => {
      head.get();
    },
    close: async () => {
      listeners.clear();
      db.close();
    },
  };
}
