import pg from 'pg';
import type { OrderStoreWithEvents } from '../domain/event-ports.ts';
import { inTransaction, postgresOrderEvents } from './postgres-events.ts';
import {
  decodeCursor,
  fromRow,
  idempotencyFromRow,
  toPage,
  toRow,
  type IdempotencyRow,
  type OrderRow,
} from './schema.ts';

/** Orders in PostgreSQL, used when DATABASE_URL is set. The same tables as sqlite-store.ts. */
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
    );
    ALTER TABLE orders ADD COLUMN IF NOT EXISTS version INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status, seq);
    CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, seq);
    CREATE TABLE IF NOT EXISTS idempotency_keys (
      key TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      order_id TEXT NOT NULL REFERENCES orders (id),
      response JSONB NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
  const events = await postgresOrderEvents(pool);

  return {
    ...events.lifecycle,
    insert: (order, orderEvents = [], idempotency) =>
      inTransaction(pool, async (client) => {
        await client.query(
          'INSERT INTO orders (id, customer_id, status, lines, created_at, version) VALUES ($1, $2, $3, $4, $5, $6)',
          [...toRow(order)],
        );
        if (idempotency) {
          await client.query(
            'INSERT INTO idempotency_keys (key, fingerprint, order_id, response) VALUES ($1, $2, $3, $4)',
            [idempotency.key, idempotency.fingerprint, order.id, JSON.stringify(idempotency.order)],
          );
        }
        await events.add(client, orderEvents);
      }),
    idempotencyRecord: async (key) => {
      const { rows } = await pool.query<IdempotencyRow>(
        'SELECT key, fingerprint, response::text AS response FROM idempotency_keys WHERE key = $1',
        [key],
      );
      return rows[0] && idempotencyFromRow(rows[0]);
    },
    get: async (id) => {
      const { rows } = await pool.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [id]);
      return rows[0] && fromRow(rows[0]);
    },
    list: async ({ limit, after, status, customerId }) => {
      const { rows } = await pool.query<OrderRow>(
        `SELECT * FROM orders
         WHERE seq > $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR customer_id = $3)
         ORDER BY seq LIMIT $4`,
        [decodeCursor(after), status ?? null, customerId ?? null, limit + 1],
      );
      return toPage(rows, limit);
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
