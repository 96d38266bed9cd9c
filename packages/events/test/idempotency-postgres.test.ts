import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type TestDatabase } from '@commlab/testkit';
import { idempotent, newEvent, postgresProcessedEvents, type PgClient, type ProcessedEvents } from '../src/index.ts';

describe('idempotent consumer on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let processed: ProcessedEvents<PgClient>;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 5 });
    processed = await postgresProcessedEvents(pool);
    await pool.query('CREATE TABLE reservations (order_id TEXT NOT NULL)');
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const reserve = () =>
    idempotent(processed, 'inventory', async (event, tx) => {
      await tx.query('INSERT INTO reservations (order_id) VALUES ($1)', [event.subject]);
    });
  const reservationsOf = async (orderId: string) =>
    Number((await pool.query('SELECT count(*) FROM reservations WHERE order_id = $1', [orderId])).rows[0].count);

  it('applies the same event delivered concurrently on several connections once', async () => {
    const event = newEvent({ source: '/test', type: 'commlab.order.placed.v1', subject: 'order-pg-1', data: {} });
    const handler = reserve();
    await Promise.all([handler(event), handler(event), handler(event), handler(event)]);
    expect(await reservationsOf('order-pg-1')).toBe(1);
  });

  it('records nothing when the effect fails, so the redelivery applies it', async () => {
    const event = newEvent({ source: '/test', type: 'commlab.order.placed.v1', subject: 'order-pg-2', data: {} });
    await expect(
      processed.once('inventory', event.id, async (tx) => {
        await tx.query('INSERT INTO reservations (order_id) VALUES ($1)', ['order-pg-2']);
        throw new Error('stock service said maybe');
      }),
    ).rejects.toThrow('stock service said maybe');
    expect(await reservationsOf('order-pg-2')).toBe(0);
    await reserve()(event);
    expect(await reservationsOf('order-pg-2')).toBe(1);
  });
});
