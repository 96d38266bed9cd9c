import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDatabase, sqliteDatabase, type Database } from '@commlab/sql';
import { freshPostgresDatabase } from '@commlab/testkit';
import { idempotent, newEvent, processedEvents, type ProcessedEvents } from '../src/index.ts';

const databases: { name: string; open: () => Promise<{ db: Database; drop: () => Promise<void> }> }[] = [
  {
    name: 'SQLite',
    open: async () => ({
      db: sqliteDatabase(join(mkdtempSync(join(tmpdir(), 'commlab-idempotency-')), 'db.sqlite')),
      drop: async () => {},
    }),
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const server = await freshPostgresDatabase();
      return { db: await postgresDatabase(server.url), drop: server.drop };
    },
  },
];

const placed = (subject: string) =>
  newEvent({ source: '/test', type: 'commlab.order.placed.v1', subject, data: { subject } });

describe.each(databases)('idempotent consumer on @commlab/sql with $name', ({ open }) => {
  let db: Database;
  let drop: () => Promise<void>;
  let processed: ProcessedEvents;
  beforeAll(async () => {
    ({ db, drop } = await open());
    processed = await processedEvents(db);
    await db.setUp('CREATE TABLE shipments (order_id TEXT NOT NULL)');
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  const ship = () =>
    idempotent(processed, 'shipping', async (event, tx) => {
      await tx.execute('INSERT INTO shipments (order_id) VALUES (?)', [event.subject]);
    });
  const shipmentsOf = async (orderId: string) =>
    (await db.query<{ n: number }>('SELECT count(*) AS n FROM shipments WHERE order_id = ?', [orderId]))[0]!.n;

  it('applies an event delivered twice once', async () => {
    const handler = ship();
    const event = placed('order-1');
    await handler(event);
    await handler(event);
    expect(await shipmentsOf('order-1')).toBe(1);
  });

  it('applies concurrent deliveries of the same event once, and different events each once', async () => {
    const handler = ship();
    const a = placed('order-a');
    const b = placed('order-b');
    await Promise.all([handler(a), handler(a), handler(b), handler(a), handler(b)]);
    expect([await shipmentsOf('order-a'), await shipmentsOf('order-b')]).toEqual([1, 1]);
  });

  it('records nothing when the effect fails, so the redelivery applies it', async () => {
    const event = placed('order-2');
    await expect(
      processed.once('shipping', event.id, async (tx) => {
        await tx.execute('INSERT INTO shipments (order_id) VALUES (?)', ['order-2']);
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    expect(await shipmentsOf('order-2')).toBe(0);
    await ship()(event);
    expect(await shipmentsOf('order-2')).toBe(1);
  });

  it('keeps separate records per consumer', async () => {
    expect(await processed.once('billing', 'event-1', () => {})).toBe(true);
    expect(await processed.once('shipping', 'event-1', () => {})).toBe(true);
    expect(await processed.once('billing', 'event-1', () => {})).toBe(false);
  });
});
