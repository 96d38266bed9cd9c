import pg from 'pg';
import type { OrderStoreWithEvents } from '../domain/event-ports.ts';
import { inTransaction, postgresOrderEvents } from './postgres-events.ts';
import { decodeCursor, toPage, fromRow, toRow, type OrderRow } from './schema.ts';

/** Orders in PostgreSQL, used when DATABASE_URL is set. */
export async function postgresOrderStore(connectionString: string): Promise<OrderStoreWithEvents> {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 5_000 });
  await pool.query(`
    CREATE TABLE IF NOT EXISTS orders (
      seq BIGSERIAL PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      customer_id TEXT NOT NULL,
      status TEXT NOT NULL,
      lines TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL
    )`);
  const events = await postgresOrderEvents(pool);

  return {
    ...events.lifecycle,
    insert: (order, orderEvents = []) =>
      inTransaction(pool, async (client) => {
        await client.query(
          'INSERT INTO orders (id, customer_id, status, lines, created_at) VALUES ($1, $2, $3, $4, $5)',
          [...toRow(order)],
        );
        await events.add(client, orderEvents);
      }),
    get: async (id) => {
      const { rows } = await pool.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [id]);
      return rows[0] && fromRow(rows[0]);
    },
    list: async ({ limit, after }) => {
      const { rows } = await pool.query<OrderRow>('SELECT * FROM orders WHERE seq > $1 ORDER BY seq LIMIT $2', [
        decodeCursor(after),
        limit + 1,
      ]);
      return toPage(rows, limit);
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
