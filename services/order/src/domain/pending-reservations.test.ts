import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteOrderStore } from '../store/sqlite.ts';
import { OrderError } from './errors.ts';
import { OrderLifecycle } from './order-lifecycle.ts';
import { Orders } from './orders.ts';
import { PendingReservations } from './pending-reservations.ts';
import type { OrderStoreWithEvents, StockReservations } from './ports.ts';

const quiet = { info: () => {}, warn: () => {} };
const order = { customerId: 'c-1', lines: [{ sku: 'KB-001', quantity: 1 }] };

/** Inventory as the seam sees it: down (unavailable), up, or refusing the stock; it counts what it holds. */
function inventory() {
  const held = new Map<string, number>();
  let mode: 'down' | 'up' | 'no-stock' = 'down';
  const stock: StockReservations & { held: typeof held; set(m: typeof mode): void } = {
    held,
    set: (m) => void (mode = m),
    reserve: async (orderId) => {
      if (mode === 'down') throw new OrderError('INVENTORY_UNAVAILABLE', 'inventory is unavailable');
      if (mode === 'no-stock') throw new OrderError('INSUFFICIENT_STOCK', 'not enough KB-001');
      held.set(orderId, (held.get(orderId) ?? 0) + 1);
    },
    release: async (orderId) => void held.delete(orderId),
  };
  return stock;
}

describe('the pending fallback of sync checkout', () => {
  let store: OrderStoreWithEvents;
  afterEach(() => store.close());

  function build(fallback: 'none' | 'pending') {
    store = sqliteOrderStore(join(mkdtempSync(join(tmpdir(), 'commlab-fallback-')), 'orders.sqlite'));
    const stock = inventory();
    const lifecycle = new OrderLifecycle({ store });
    const orders = new Orders({ store, stock, reserveTimeoutMs: 1000, fallback });
    const pending = new PendingReservations({ store, stock, lifecycle, reserveTimeoutMs: 1000, logger: quiet });
    const count = async (status?: 'pending' | 'confirmed' | 'rejected') =>
      (await store.list({ limit: 1000, status })).items.length;
    return { stock, orders, pending, count };
  }

  it('refuses every order and stores nothing while inventory is down when the fallback is off', async () => {
    const { orders, count } = build('none');
    for (let i = 0; i < 5; i++) {
      await expect(orders.place(order)).rejects.toMatchObject({ reason: 'INVENTORY_UNAVAILABLE' });
    }
    expect(await count()).toBe(0);
  });

  it('accepts orders pending while inventory is down, and confirms each once inventory answers again', async () => {
    const { stock, orders, pending, count } = build('pending');
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push((await orders.place(order)).order);
    expect(placed.map((o) => o.status)).toEqual(Array(5).fill('pending'));

    // Still down: the round stops at the first order and changes nothing.
    expect(await pending.completeSome()).toEqual({ confirmed: 0, rejected: 0, waiting: 5 });
    stock.set('up');
    expect(await pending.completeSome()).toEqual({ confirmed: 5, rejected: 0, waiting: 0 });
    expect(await count('confirmed')).toBe(5);
    expect(await count('pending')).toBe(0);
    // One reservation per order, under its own id.
    expect([...stock.held.entries()].sort()).toEqual(placed.map((o) => [o.id, 1]).sort());
  });

  it('rejects a pending order when inventory, back again, has not the stock', async () => {
    const { stock, orders, pending, count } = build('pending');
    await orders.place(order);
    stock.set('no-stock');
    expect(await pending.completeSome()).toEqual({ confirmed: 0, rejected: 1, waiting: 0 });
    expect(await count('rejected')).toBe(1);
  });

  it('places an order confirmed as usual while inventory answers', async () => {
    const { stock, orders } = build('pending');
    stock.set('up');
    expect((await orders.place(order)).order.status).toBe('confirmed');
  });
});
