import type { ProcessedEvents } from '@commlab/events';
import type { Database, SqlValue } from '@commlab/sql';
import type { EventLog, LogEntry, NewEntry } from '../domain/event-log.ts';

interface Row {
  id: number;
  event_id: string;
  customer_id: string;
  order_id: string;
  type: string;
  status: string;
  time: string;
  data: string;
}

const fromRow = (row: Row): LogEntry => ({
  id: row.id,
  eventId: row.event_id,
  type: row.type,
  orderId: row.order_id,
  customerId: row.customer_id,
  status: row.status as LogEntry['status'],
  time: row.time,
  data: JSON.parse(row.data) as LogEntry['data'],
});

/** Whose appends processed_events records: the order-events consumer's. */
export const logConsumer = 'notification.order-events';

/**
 * The event log in the service's database (SQLite or PostgreSQL). An event id is recorded in
 * processed_events in the transaction that appends its entry, so a redelivery appends nothing.
 * Appends take turns: ids are then handed out in commit order, and a reader resuming "after
 * N" cannot miss an entry committed later with a smaller id. (One writing process per log;
 * listeners hear of this process's appends.)
 */
export async function sqlEventLog(db: Database, processed: ProcessedEvents): Promise<EventLog> {
  await db.setUp(`
    CREATE TABLE IF NOT EXISTS notification_log (
      id ${db.dialect.serialKey},
      event_id TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      order_id TEXT NOT NULL,
      type TEXT NOT NULL,
      status TEXT NOT NULL,
      time TEXT NOT NULL,
      data TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS notification_log_event ON notification_log (event_id);
    CREATE INDEX IF NOT EXISTS notification_log_customer ON notification_log (customer_id, id);
    CREATE INDEX IF NOT EXISTS notification_log_order ON notification_log (order_id, id);`);
  const listeners = new Set<(entry: LogEntry) => void>();
  let turn: Promise<unknown> = Promise.resolve();

  async function insert(entry: NewEntry) {
    let id: number | undefined;
    await processed.once(logConsumer, entry.eventId, async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO notification_log (event_id, customer_id, order_id, type, status, time, data)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          entry.eventId,
          entry.customerId,
          entry.orderId,
          entry.type,
          entry.status,
          entry.time,
          JSON.stringify(entry.data),
        ],
      );
      id = row!.id;
      const stored = { id, ...entry };
      for (const listener of listeners) tx.afterCommit(() => listener(stored));
    });
    if (id !== undefined) return { id, duplicate: false };
    const [first] = await db.query<{ id: number }>('SELECT id FROM notification_log WHERE event_id = ?', [
      entry.eventId,
    ]);
    return { id: first!.id, duplicate: true };
  }

  return {
    append: (entry) => {
      const appended = turn.then(() => insert(entry));
      turn = appended.catch(() => {});
      return appended;
    },
    read: async ({ after, limit, customerId, orderId }) => {
      const where = ['id > ?'];
      const values: SqlValue[] = [after];
      if (customerId) {
        where.push('customer_id = ?');
        values.push(customerId);
      }
      if (orderId) {
        where.push('order_id = ?');
        values.push(orderId);
      }
      const rows = await db.query<Row>(
        `SELECT * FROM notification_log WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`,
        [...values, limit],
      );
      return rows.map(fromRow);
    },
    head: async () =>
      (await db.query<{ id: number }>('SELECT COALESCE(MAX(id), 0) AS id FROM notification_log'))[0]!.id,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
