import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { newEvent, OutboxRelay, type CloudEvent, type EventPublisher } from '@commlab/events';
import type { Order } from '../src/domain/order.ts';
import { OrderLifecycle } from '../src/domain/order-lifecycle.ts';
import { orderEvent } from '../src/domain/order-events.ts';
import { Orders } from '../src/domain/orders.ts';
import type { OrderStoreWithEvents } from '../src/domain/ports.ts';
import { orderService, stores, type OrderService } from './helpers.ts';

let next = 0;
const pendingOrder = (): Order => ({
  id: `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`,
  customerId: 'c-1',
  status: 'pending',
  lines: [{ sku: 'KB-001', quantity: 1 }],
  createdAt: new Date().toISOString(),
  version: 1,
});

describe.each(stores)('order events with the $name store', ({ open }) => {
  let service: OrderService;
  let store: OrderStoreWithEvents;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ env, drop } = await open());
    service = await orderService(env);
    store = service.store;
  });
  afterAll(async () => {
    await service?.close();
    await drop?.();
  });

  const drain = async () => {
    for (const event of await store.unpublished(1000)) await store.markPublished(event.id);
  };

  it('stores an order with its events, which wait in the outbox, oldest first, until marked published', async () => {
    await drain();
    const order = pendingOrder();
    const events = [orderEvent('placed', order), orderEvent('confirmed', { ...order, status: 'confirmed' })];
    await store.insert(order, events);

    expect(await store.unpublished(10)).toEqual(events);
    await store.markPublished(events[0]!.id);
    expect(await store.unpublished(10)).toEqual([events[1]]);
  });

  it('stores neither the order nor its events when the insert fails', async () => {
    await drain();
    const order = pendingOrder();
    await store.insert(order, []);
    await expect(store.insert(order, [orderEvent('placed', order)])).rejects.toThrow();
    expect(await store.unpublished(10)).toEqual([]);
  });

  it('applies a status change once per causing event, with its event, and reports the redelivery', async () => {
    await drain();
    const order = pendingOrder();
    await store.insert(order);
    const lifecycle = new OrderLifecycle({ store });

    expect(await lifecycle.stockReserved(order.id, 'result-1')).toMatchObject({ outcome: 'changed' });
    expect(await lifecycle.stockReserved(order.id, 'result-1')).toEqual({ outcome: 'duplicate' });
    expect((await store.get(order.id))!.status).toBe('confirmed');
    expect((await store.unpublished(10)).map((e) => e.type)).toEqual(['commlab.order.confirmed.v1']);
  });

  it('leaves an order that is no longer pending as it is, and announces nothing', async () => {
    await drain();
    const order = pendingOrder();
    await store.insert(order);
    const lifecycle = new OrderLifecycle({ store });
    await lifecycle.cancel(order.id);
    await drain();

    const late = await lifecycle.stockRejected(order.id, { code: 'INSUFFICIENT_STOCK', detail: 'none left' }, 'r-2');
    expect(late).toMatchObject({ outcome: 'unchanged', order: { status: 'cancelled' } });
    expect(await store.unpublished(10)).toEqual([]);
  });

  it('reports a status change for an order it never stored as missing', async () => {
    const lifecycle = new OrderLifecycle({ store });
    expect(await lifecycle.stockReserved('00000000-0000-4000-8000-999999999999', 'r-3')).toEqual({
      outcome: 'missing',
    });
  });

  it('async checkout stores the order pending with only its placed event; sync stores placed and confirmed', async () => {
    await drain();
    const stock = { reserve: async () => {}, release: async () => {} };
    const { order: asyncOrder } = await new Orders({ store, stock, reserveTimeoutMs: 100, checkout: 'async' }).place({
      customerId: 'c-2',
      lines: [{ sku: 'KB-001', quantity: 1 }],
    });
    expect(asyncOrder.status).toBe('pending');
    const { order: syncOrder } = await new Orders({ store, stock, reserveTimeoutMs: 100 }).place({
      customerId: 'c-2',
      lines: [{ sku: 'KB-001', quantity: 1 }],
    });
    expect(syncOrder.status).toBe('confirmed');
    expect((await store.unpublished(10)).map((e) => [e.subject, e.type, (e.data as Order).status])).toEqual([
      [asyncOrder.id, 'commlab.order.placed.v1', 'pending'],
      [syncOrder.id, 'commlab.order.placed.v1', 'confirmed'],
      [syncOrder.id, 'commlab.order.confirmed.v1', 'confirmed'],
    ]);
  });

  it('relays what the outbox holds once the broker accepts again, in order, and marks it published', async () => {
    await drain();
    const order = pendingOrder();
    const events = [orderEvent('placed', order), orderEvent('cancelled', { ...order, status: 'cancelled' })];
    await store.insert(order, events);

    // A stand-in at our own seam: the broker refuses the first attempt, then accepts.
    const published: CloudEvent[] = [];
    let refuse = true;
    const publisher: EventPublisher = {
      publish: async (event) => {
        if (refuse) throw new Error('broker down');
        published.push(event);
      },
      close: async () => {},
    };
    const relay = new OutboxRelay({ outbox: store, publisher, logger: pino({ level: 'silent' }), intervalMs: 20 });
    relay.start();
    await expect.poll(() => store.unpublished(10)).toEqual(events);
    refuse = false;
    await expect.poll(() => store.unpublished(10)).toEqual([]);
    await relay.close();
    expect(published.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });
});

describe('a database from before processed events were kept per consumer', () => {
  // Order kept its own processed_events (id, processed_at); @commlab/events keeps one row per
  // consumer and event. An event applied before the upgrade must not be applied again after it.
  const legacyTable = 'CREATE TABLE processed_events (id TEXT PRIMARY KEY, processed_at TEXT NOT NULL)';

  it.each([
    [
      'SQLite',
      async (env: Record<string, string>) => {
        const db = new DatabaseSync(env.ORDER_DB_FILE!);
        db.exec(legacyTable);
        db.prepare('INSERT INTO processed_events VALUES (?, ?)').run('applied-before', new Date().toISOString());
        db.close();
      },
    ],
    [
      'PostgreSQL',
      async (env: Record<string, string>) => {
        const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
        await pool.query(legacyTable.replace('processed_at TEXT', 'processed_at TIMESTAMPTZ'));
        await pool.query('INSERT INTO processed_events VALUES ($1, now())', ['applied-before']);
        await pool.end();
      },
    ],
  ])('keeps the event ids it recorded (%s)', async (name, createLegacy) => {
    const { env, drop } = await stores.find((store) => store.name === name)!.open();
    await createLegacy(env);
    const service = await orderService(env);
    try {
      const order = pendingOrder();
      await service.store.insert(order);
      const lifecycle = new OrderLifecycle({ store: service.store });
      expect(await lifecycle.stockReserved(order.id, 'applied-before')).toEqual({ outcome: 'duplicate' });
      expect(await lifecycle.stockReserved(order.id, 'applied-after')).toMatchObject({ outcome: 'changed' });
    } finally {
      await service.close();
      await drop();
    }
  });
});

describe('order event envelope', () => {
  it('is a CloudEvent from /commlab/order whose subject is the order id', () => {
    const order = pendingOrder();
    const event = orderEvent('placed', order);
    expect(event).toMatchObject({
      specversion: '1.0',
      source: '/commlab/order',
      type: 'commlab.order.placed.v1',
      subject: order.id,
      datacontenttype: 'application/json',
      data: { orderId: order.id, customerId: 'c-1', status: 'pending', lines: order.lines },
    });
    expect(event.id).not.toBe(newEvent({ source: 's', type: 't', subject: 'x', data: {} }).id);
  });
});
