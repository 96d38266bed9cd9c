import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  pgNotifications,
  projectionReached,
  rebuildProjection,
  runProjection,
  type Projection,
  type Subscription,
} from '../src/index.ts';
import {
  customerHistories,
  customerHistoryProjection,
  orderStreamId,
  orderSummaries,
  orderSummaryProjection,
} from '../src/orders/index.ts';
import { lifeOf, orderEvent } from './support/orders.ts';
import { testStore, type TestStore } from './support/store.ts';

const orders = 40;
const customers = 8;
const orderId = (i: number) => `order-${String(i).padStart(3, '0')}`;
const customerOf = (i: number) => `customer-${i % customers}`;

describe('projections (order summary, customer history)', () => {
  let t: TestStore;
  /** Counts the events a projection applied: a rebuild that really replays applies every event again. */
  const applied = new Map<string, number>();
  const counting = (projection: Projection): Projection => ({
    ...projection,
    apply: async (event, tx) => {
      applied.set(projection.name, (applied.get(projection.name) ?? 0) + 1);
      await projection.apply(event, tx);
    },
  });
  const summary = counting(orderSummaryProjection());
  const history = counting(customerHistoryProjection());
  const live: Subscription[] = [];

  const run = async (projection: Projection) => {
    const subscription = await runProjection(t.db, projection, {
      notifications: pgNotifications(t.url),
      pollIntervalMs: 200,
      batchSize: 25,
    });
    return subscription;
  };
  const rowsOf = (table: string, orderBy: string) => t.db.query(`SELECT * FROM ${table} ORDER BY ${orderBy}`);
  /** Waits (from the database, whatever the subscription in this process believes) until the projection is at the head. */
  const caughtUp = async (name: string) => {
    const { reached, consistency } = await projectionReached(t.db, name, await t.store.head(), { timeoutMs: 10_000 });
    if (!reached) throw new Error(`${name} is still behind: ${JSON.stringify(consistency)}`);
  };

  beforeAll(async () => {
    t = await testStore({ connections: 20 });
    live.push(await run(summary), await run(history));
    // The orders are written by concurrent writers while both projections follow live.
    await Promise.all(
      Array.from({ length: orders }, async (_, i) => {
        let version = 0;
        for (const kind of lifeOf(i)) {
          ({ version } = await t.store.append(orderStreamId(orderId(i)), version, [
            orderEvent(kind, orderId(i), customerOf(i)),
          ]));
        }
      }),
    );
    await caughtUp(summary.name);
    await caughtUp(history.name);
  });
  afterAll(async () => {
    for (const subscription of live) await subscription.stop();
    await t?.close();
  });

  it('keeps one summary row per order in its final status and one history line per event', async () => {
    const all = await orderSummaries(t.db).list({ limit: 1_000 });
    expect(all.orders).toHaveLength(orders);
    expect(all.consistency.behind).toBe(0);
    for (let i = 0; i < orders; i++) {
      const { order } = await orderSummaries(t.db).get(orderId(i));
      const life = lifeOf(i);
      expect(order).toMatchObject({ orderId: orderId(i), customerId: customerOf(i), version: life.length });
      expect(order!.status).toBe(orderEvent(life.at(-1)!, orderId(i), customerOf(i)).data.status);
    }
    for (let c = 0; c < customers; c++) {
      const mine = Array.from({ length: orders }, (_, i) => i).filter((i) => customerOf(i) === `customer-${c}`);
      const { entries } = await customerHistories(t.db).get(`customer-${c}`, { limit: 1_000 });
      expect(entries).toHaveLength(mine.reduce((n, i) => n + lifeOf(i).length, 0));
      // Each order's lines in its own order: placed first, then what followed.
      for (const i of mine) {
        expect(entries.filter((e) => e.orderId === orderId(i)).map((e) => e.event)).toEqual(lifeOf(i));
      }
      const { orders: theirs } = await orderSummaries(t.db).list({ customerId: `customer-${c}` });
      expect(theirs.map((o) => o.orderId)).toEqual(mine.map(orderId));
    }
  });

  it('drops and rebuilds both projections by replay, and they equal the live ones row by row', async () => {
    const before = {
      summary: await rowsOf('order_summary', 'order_id'),
      history: await rowsOf('customer_history', 'customer_id, position'),
    };
    expect(before.summary).toHaveLength(orders);
    const appliedBefore = new Map(applied);

    // While both subscriptions keep running.
    await rebuildProjection(t.db, summary);
    await rebuildProjection(t.db, history);
    await caughtUp(summary.name);
    await caughtUp(history.name);

    // Every event replayed, once.
    const head = await t.store.head();
    for (const name of [summary.name, history.name]) {
      expect(applied.get(name)! - appliedBefore.get(name)!).toBe(head);
    }

    expect(await rowsOf('order_summary', 'order_id')).toEqual(before.summary);
    expect(await rowsOf('customer_history', 'customer_id, position')).toEqual(before.history);
  });

  it('builds a second copy from the first event that equals the live projection row by row', async () => {
    const copies = [
      orderSummaryProjection('order_summary_replayed'),
      customerHistoryProjection('customer_history_replayed'),
    ];
    for (const copy of copies) {
      const subscription = await run(copy);
      onTestFinished(() => subscription.stop());
      await caughtUp(copy.name);
    }
    expect(await rowsOf('order_summary_replayed', 'order_id')).toEqual(await rowsOf('order_summary', 'order_id'));
    expect(await rowsOf('customer_history_replayed', 'customer_id, position')).toEqual(
      await rowsOf('customer_history', 'customer_id, position'),
    );
  });

  it('says how far behind a read is: the events committed but not yet applied', async () => {
    const lagging = orderSummaryProjection('order_summary_lagging');
    const first = await run(lagging);
    await caughtUp(lagging.name);
    await first.stop();
    const stoppedAt = await t.store.head();

    // Three changes while the projection is stopped: one new order, placed and confirmed, and a cancellation.
    const stream = orderStreamId('order-late');
    await t.store.append(stream, 0, [orderEvent('placed', 'order-late', 'customer-late')]);
    await t.store.append(stream, 1, [orderEvent('confirmed', 'order-late', 'customer-late')]);
    const last = await t.store.append(orderStreamId(orderId(0)), 2, [
      orderEvent('cancelled', orderId(0), customerOf(0)),
    ]);

    const reads = orderSummaries(t.db, 'order_summary_lagging');
    const stale = await reads.get('order-late');
    expect(stale.order).toBeUndefined();
    expect(stale.consistency).toEqual({ position: stoppedAt, head: last.position, behind: 3 });
    expect((await reads.get(orderId(0))).order?.status).toBe('confirmed');

    const second = await run(lagging);
    onTestFinished(() => second.stop());
    await second.reached(last.position, 5_000);
    const fresh = await reads.get('order-late');
    expect(fresh.order?.status).toBe('confirmed');
    expect(fresh.consistency).toEqual({ position: last.position, head: last.position, behind: 0 });
    expect((await reads.get(orderId(0))).order?.status).toBe('cancelled');
  });
});
