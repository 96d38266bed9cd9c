import pg from 'pg';
import { postgresProcessedEvents, processedEventsTable, type CloudEvent } from '@commlab/events';
import { pgTransaction } from '@commlab/sql';
import type { OrderStoreWithEvents, StatusChange, StatusChangeResult } from '../domain/ports.ts';
import { decideChange, decodeCursor, orderTables, processedBy, postgresTypes, toPage } from './rows.ts';
import { fromRow, idempotencyFromRow, toRow, type IdempotencyRow, type OrderRow } from './rows.ts';

/** Orders in PostgreSQL, used when DATABASE_URL is set: the same tables as the SQLite store (rows.ts). */
export async function postgresOrderStore(connectionString: string): Promise<OrderStoreWithEvents> {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 5_000 });
  // A pooled connection that breaks while idle is dropped by the pool and the next query opens
  // another; unhandled, the error would end the process (a PostgreSQL restart would take order down).
  pool.on('error', () => {});
  const connections = { connect: () => pool.connect() };
  await pool.query(orderTables(postgresTypes));
  // A database from before orders had versions: every order there starts at 1.
  await pool.query('ALTER TABLE orders ADD COLUMN IF NOT EXISTS version INTEGER NOT NULL DEFAULT 1');
  const processed = await openProcessedEvents(pool);

  const addEvents = async (client: pg.PoolClient, events: readonly CloudEvent[]) => {
    for (const event of events) {
      await client.query('INSERT INTO order_events (id, event) VALUES ($1, $2)', [event.id, JSON.stringify(event)]);
    }
  };

  /** The change, inside the caller's transaction on `client`. */
  const change = async (client: pg.PoolClient, request: StatusChange): Promise<StatusChangeResult> => {
    // FOR UPDATE: two deliveries of different events for one order apply one after the other.
    const { rows } = await client.query<OrderRow>('SELECT * FROM orders WHERE id = $1 FOR UPDATE', [request.orderId]);
    const result = decideChange(rows[0], request);
    if (result.outcome === 'changed') {
      await client.query('UPDATE orders SET status = $1, version = version + 1 WHERE id = $2', [
        result.order.status,
        result.order.id,
      ]);
      await addEvents(client, [request.event(result.order)]);
    }
    return result;
  };

  return {
    insert: (order, events = [], idempotency) =>
      pgTransaction(connections, async (client) => {
        await client.query(
          'INSERT INTO orders (id, customer_id, status, lines, created_at, version) VALUES ($1, $2, $3, $4, $5, $6)',
          [...toRow(order)],
        );
        if (idempotency) {
          const { key, fingerprint } = idempotency;
          await client.query(
            'INSERT INTO idempotency_keys (key, fingerprint, order_id, response, created_at) VALUES ($1, $2, $3, $4, $5)',
            [key, fingerprint, order.id, JSON.stringify(idempotency.order), new Date().toISOString()],
          );
        }
        await addEvents(client, events);
      }),
    changeStatus: async (request) => {
      if (!request.causedBy) return pgTransaction(connections, (client) => change(client, request));
      let result: StatusChangeResult = { outcome: 'duplicate' };
      // The transaction's client is the pool's own pg.PoolClient; @commlab/events types it by the little it uses.
      await processed.once(processedBy, request.causedBy, async (client) => {
        result = await change(client as pg.PoolClient, request);
      });
      return result;
    },
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
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => endPool(pool),
  };
}

/**
 * pool.end() resolves once it has asked its connections to close, not once they have: wait for
 * them too, so no connection outlives the store (a test dropping its database right after
 * would otherwise kill one mid-close).
 */
async function endPool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (--open === 0) resolve();
    });
  });
  await pool.end();
  await closed;
}

/**
 * processed_events as @commlab/events keeps it. A database from before kept order's own table
 * of event ids under that name: its ids are carried over, in one transaction.
 */
async function openProcessedEvents(pool: pg.Pool) {
  await pgTransaction({ connect: () => pool.connect() }, async (client) => {
    const old = await client.query(
      `SELECT 1 FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'processed_events' AND column_name = 'id'`,
    );
    if (old.rowCount === 0) return;
    await client.query('ALTER TABLE processed_events RENAME TO processed_events_before_consumers');
    await client.query(processedEventsTable);
    await client.query(
      `INSERT INTO processed_events (consumer, event_id, processed_at)
       SELECT $1, id, processed_at::text FROM processed_events_before_consumers`,
      [processedBy],
    );
    await client.query('DROP TABLE processed_events_before_consumers');
  });
  return postgresProcessedEvents(pool);
}
