import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('empties streams, snapshots and checkpoints, and starts positions at 1 again', async () => {
    await t.store.append('before-reset', 0, [{ type: 'test.noted.v1', data: {} }]);
    await t.db.execute(
      "INSERT INTO snapshots (stream_id, schema, version, state) VALUES ('before-reset', 's', 1, '{}')",
    );
    const subscription = await startSubscription(t.db, { name: 'reset-check', handle: async () => {} });
    await subscription.reached(1);
    await subscription.stop();

    await resetEventStore(t.db);

    expect(await t.store.head()).toBe(0);
    expect(await t.store.readAll()).toEqual([]);
    expect(await t.db.query('SELECT * FROM snapshots')).toEqual([]);
    expect(await t.db.query('SELECT * FROM subscription_checkpoints')).toEqual([]);
    const again = await t.store.append('before-reset', 0, [{ type: 'test.noted.v1', data: {} }]);
    expect(again).toMatchObject({ version: 1, position: 1 });
  });
});
