import pg from 'pg';
import type { NotificationLog } from '../domain/notifications.ts';
import { columns, fromRow, readFilter, toRow, type NotificationRow } from './rows.ts';

/**
 * The notification log in PostgreSQL, used when DATABASE_URL is set. Events are appended one
 * at a time (the subscription handles one event after another), so seq order is commit order
 * and a reader resuming "after N" cannot miss a row committed later with a smaller seq.
 */
export async function postgresNotificationLog(connectionString: string): Promise<NotificationLog> {
  const pool = new pg.Pool({ connectionString, max: 5, connectionTimeoutMillis: 5_000 });
  await pool.query(`
    CREATE TABLE IF NOT EXISTS notifications (
      seq BIGSERIAL PRIMARY KEY,
      event_id TEXT NOT NULL UNIQUE,
      customer_id TEXT NOT NULL,
      order_id TEXT NOT NULL,
      type TEXT NOT NULL,
      status TEXT NOT NULL,
      time TIMESTAMPTZ NOT NULL,
      data JSONB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS notifications_customer ON notifications (customer_id, seq);
    CREATE INDEX IF NOT EXISTS notifications_order ON notifications (order_id, seq);`);

  return {
    append: async (notification) => {
      const inserted = await pool.query<{ seq: string }>(
        `INSERT INTO notifications (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
        [...toRow(notification)],
      );
      if (inserted.rows[0]) return { seq: Number(inserted.rows[0].seq), duplicate: false };
      const { rows } = await pool.query<{ seq: string }>('SELECT seq FROM notifications WHERE event_id = $1', [
        notification.eventId,
      ]);
      return { seq: Number(rows[0]!.seq), duplicate: true };
    },
    read: async (query) => {
      const { sql, values } = readFilter(query, (i) => `$${i}`);
      const { rows } = await pool.query<NotificationRow>(`SELECT * FROM notifications ${sql}`, values);
      return rows.map(fromRow);
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
