import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateStore, type Aggregate, type NewEvent } from '../src/index.ts';
import { orderAggregate, orderStreamId, type OrderState } from '../src/orders/index.ts';
import { orderEvent } from './support/orders.ts';
import { testStore, type TestStore } from './support/store.ts';

/** A tally whose state depends on every event (a sum and the list of what was added). */
interface Tally {
  total: number;
  added: number[];
}
const tally: Aggregate<Tally> = {
  schema: 'tally/v1',
  initial: { total: 0, added: [] },
  evolve: (state, event) => {
    const { amount } = event.data as { amount: number };
    return { total: state.total + amount, added: [...state.added, amount] };
  },
};
const add = (amount: number): NewEvent => ({ type: 'test.added.v1', data: { amount } });

describe('snapshots', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await testStore();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes a snapshot each time the version crosses a multiple of N, and a rebuild from the events equals it', async () => {
    const tallies = aggregateStore(t.db, t.store, tally, { snapshotEvery: 5 });
    const snapshotVersions: number[] = [];
    // Batches of 1, 2 and 3 events, so some appends step over a multiple of 5 rather than onto it.
    for (let i = 1; i <= 12; i++) {
      const loaded = await tallies.load('tally-1');
      const batch = Array.from({ length: (i % 3) + 1 }, (_, n) => add(i * 10 + n));
      const appended = await tallies.append('tally-1', loaded, batch);
      if (appended.snapshotted) snapshotVersions.push(appended.version);
    }
    const version = await t.store.version('tally-1');
    expect(version).toBe(24);
    // One snapshot per multiple of 5 crossed, at the version of the append that crossed it.
    expect(snapshotVersions.map((v) => Math.floor(v / 5))).toEqual([1, 2, 3, 4]);

    const check = await tallies.checkSnapshot('tally-1');
    expect(check.snapshot?.version).toBe(snapshotVersions.at(-1));
    expect(check.equal).toBe(true);
    expect(check.snapshot!.state).toEqual(check.rebuilt);
    expect(check.rebuilt.added).toHaveLength(check.snapshot!.version); // the rebuild stopped at the snapshot
  });

  it('loads from the snapshot plus the events after it, and gives the same as a load from the first event', async () => {
    const orders = aggregateStore(t.db, t.store, orderAggregate, { snapshotEvery: 2 });
    const stream = orderStreamId('order-snap-1');
    for (const kind of ['placed', 'confirmed', 'cancelled'] as const) {
      await orders.append(stream, await orders.load(stream), [orderEvent(kind, 'order-snap-1', 'customer-1')]);
    }
    const loaded = await orders.load(stream);
    const rebuilt = await orders.rebuild(stream);
    expect(loaded.snapshotVersion).toBe(2);
    expect(loaded.replayed).toBe(1);
    expect(loaded.state).toEqual(rebuilt.state);
    expect(loaded.version).toBe(3);
    const state = loaded.state as Extract<OrderState, { exists: true }>;
    expect(state.order.status).toBe('cancelled');
    expect(state.steps.map((s) => s.event)).toEqual(['placed', 'confirmed', 'cancelled']);
  });

  it('ignores a snapshot taken under another schema name, and loads from the events', async () => {
    const v1 = aggregateStore(t.db, t.store, tally, { snapshotEvery: 1 });
    await v1.append('tally-2', await v1.load('tally-2'), [add(1), add(2)]);
    expect((await v1.load('tally-2')).snapshotVersion).toBe(2);

    // evolve changed its meaning: doubled amounts. The old snapshot must not be folded into.
    const v2 = aggregateStore(t.db, t.store, {
      ...tally,
      schema: 'tally/v2',
      evolve: (s: Tally, e) => tally.evolve(s, { ...e, data: { amount: (e.data as { amount: number }).amount * 2 } }),
    });
    const loaded = await v2.load('tally-2');
    expect(loaded.snapshotVersion).toBe(0);
    expect(loaded.state.total).toBe(6);
  });

  it('decides again on a fresh load when a concurrent update won (update retries the conflict)', async () => {
    const tallies = aggregateStore(t.db, t.store, tally, { snapshotEvery: 0 });
    await tallies.append('tally-3', await tallies.load('tally-3'), [add(0)]);
    const decisions: number[] = [];
    // Each adds 1 only if the total is still below 10, deciding on the state it loaded.
    await Promise.all(
      Array.from({ length: 15 }, () =>
        tallies.update(
          'tally-3',
          ({ state, version }) => {
            decisions.push(version);
            return state.total < 10 ? [add(1)] : [];
          },
          { maxAttempts: 20 },
        ),
      ),
    );
    const final = await tallies.load('tally-3');
    expect(final.state.total).toBe(10); // never 11+: no decision was made on a stale state
    expect(decisions.length).toBeGreaterThan(15); // some decided twice
  });
});
