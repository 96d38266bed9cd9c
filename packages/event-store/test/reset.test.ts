import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { resetEventStore, startSubscription } from '../src/index.ts';
import { testStore, type TestStore } from './support/store.ts';

describe('resetting the store between exercises', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await testStore();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('empties streams, snapshots and checkpoints, starts positions at 1 again, and a running subscription starts over', async () => {
    await t.store.append('before-reset', 0, [{ type: 'test.noted.v1', data: {} }]);
    await t.db.execute(
      "INSERT INTO snapshots (stream_id, schema, version, state) VALUES ('before-reset', 's', 1, '{}')",
    );
    const seen: string[] = [];
    const subscription = await startSubscription(t.db, {
      name: 'reset-check',
      pollIntervalMs: 20,
      handle: async (events) => void seen.push(...events.map((e) => e.id)),
    });
    onTestFinished(() => subscription.stop());
    await subscription.reached(1);

    await resetEventStore(t.db);

    expect(await t.store.head()).toBe(0);
    expect(await t.store.readAll()).toEqual([]);
    expect(await t.db.query('SELECT * FROM snapshots')).toEqual([]);
    const again = await t.store.append('before-reset', 0, [{ type: 'test.noted.v1', data: {} }]);
    expect(again).toMatchObject({ version: 1, position: 1 });
    // A subscription running through the reset starts over with the new log.
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(2);
    expect(seen[1]).toBe(again.events[0]!.id);
  });
});
