import type pg from 'pg';
import type { CloudEvent } from '@commlab/events';
import type { EventOutbox, OrderLifecycleStore } from '../domain/event-ports.ts';
import { fromRow, isStale, type OrderRow } from './schema.ts';

/** The same two tables as sqlite-events.ts, in PostgreSQL. */
export const postgresEventTables = `
  CREATE TABLE IF NOT EXISTS order_events (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    event JSONB NOT NULL,
    published_at TIMESTAMPTZ
  );
  CREATE INDEX IF NOT EXISTS order_events_unpublished ON order_events (seq) WHERE published_at IS NULL;
  CREATE TABLE IF NOT EXISTS processed_events (
    id TEXT PRIMARY KEY,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );`;

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function postgresOrderEvents(pool: pg.Pool) {
  await pool.query(postgresEventTables);

  const add = async (client: pg.PoolClient, events: readonly CloudEvent[]) => {
    for (const event of events) {
      await client.query('INSERT INTO order_events (id, event) VALUES ($1, $2)', [event.id, JSON.stringify(event)]);
    }
  };

  const lifecycle: OrderLifecycleStore & EventOutbox = {
    changeStatus: ({ orderId, from, to, event, causedBy, ifVersion }) =>
      inTransaction(pool, async (client) => {
        if (causedBy) {
          const inserted = await client.query('INSERT INTO processed_events (id) VALUES ($1) ON CONFLICT DO NOTHING', [
            causedBy,
          ]);
          if (inserted.rowCount === 0) return { outcome: 'duplicate' as const };
        }
        // FOR UPDATE: two deliveries of different events for one order apply one after the other.
        const { rows } = await client.query<OrderRow>('SELECT * FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
        if (!rows[0]) return { outcome: 'missing' as const };
        const order = fromRow(rows[0]);
        if (isStale(order, ifVersion)) return { outcome: 'stale' as const, order };
        if (!from.includes(order.status)) return { outcome: 'unchanged' as const, order };
        const changed = { ...order, status: to, version: order.version + 1 };
        await client.query('UPDATE orders SET status = $1, version = version + 1 WHERE id = $2', [to, orderId]);
        await add(client, [event(changed)]);
        return { outcome: 'changed' as const, order: changed };
      }),
    unpublished: async (limit) => {
      const { rows } = await pool.query<{ event: CloudEvent }>(
        'SELECT event FROM order_events WHERE published_at IS NULL ORDER BY seq LIMIT $1',
        [limit],
      );
      return rows.map((row) => row.event);
    },
    markPublished: async (eventId) => {
      await pool.query('UPDATE order_events SET published_at = now() WHERE id = $1', [eventId]);
    },
  };
  return { add, lifecycle };
}
