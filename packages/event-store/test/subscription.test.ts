import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  pgNotifications,
  startSubscription,
  type NewEvent,
  type RecordedEvent,
  type Sql,
  type SubscriptionOptions,
} from '../src/index.ts';
import { testStore, type TestStore } from './support/store.ts';

const note = (text: string): NewEvent => ({ type: 'test.noted.v1', data: { text } });

describe('catch-up subscriptions', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await testStore({ connections: 15 });
    // The effect each test's handler writes: one row per event it applied.
    await t.db.execute(
      'CREATE TABLE applied (subscription TEXT NOT NULL, event_id UUID NOT NULL, position BIGINT NOT NULL)',
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  const applyInto = (subscription: string) => async (events: readonly RecordedEvent[], tx: Sql) => {
    for (const e of events) {
      await tx.execute('INSERT INTO applied (subscription, event_id, position) VALUES (?, ?, ?)', [
        subscription,
        e.id,
        e.position,
      ]);
    }
  };
  const appliedBy = async (subscription: string) =>
    (
      await t.db.query<{ position: number; times: number }>(
        'SELECT position, count(*)::int AS times FROM applied WHERE subscription = ? GROUP BY position ORDER BY position',
        [subscription],
      )
    ).map((row) => [row.position, row.times]);
  const everyPositionOnce = async () => Array.from({ length: await t.store.head() }, (_, i) => [i + 1, 1]);
  const start = async (options: SubscriptionOptions) => {
    const subscription = await startSubscription(t.db, options);
    onTestFinished(() => subscription.stop());
    return subscription;
  };

  it('catches up from its checkpoint, then follows new appends as soon as they commit (NOTIFY)', async () => {
    for (let i = 0; i < 25; i++) await t.store.append(`catch-up-${i}`, 0, [note(`before ${i}`)]);
    const subscription = await start({
      name: 'follower',
      batchSize: 10,
      notifications: pgNotifications(t.url),
      pollIntervalMs: 60_000, // so only a notification can deliver the live event in time
      handle: applyInto('follower'),
    });
    await subscription.reached(await t.store.head(), 5_000);

    const live = await t.store.append('live-1', 0, [note('after')]);
    await subscription.reached(live.position, 5_000);
    expect(await appliedBy('follower')).toEqual(await everyPositionOnce());
  });

  it('listens again after its listening connection is killed, and still follows appends without polling', async () => {
    const listenerErrors: Error[] = [];
    const subscription = await start({
      name: 'relistens',
      notifications: pgNotifications(t.url, { reconnectDelayMs: 50, onError: (err) => listenerErrors.push(err) }),
      pollIntervalMs: 60_000,
      handle: applyInto('relistens'),
    });
    await subscription.reached(await t.store.head(), 5_000);
    const [row] = await t.db.query<{ killed: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
    );
    expect(row?.killed).toBe(1);
    await expect.poll(() => listenerErrors.length, { timeout: 5_000 }).toBe(1);

    await expect
      .poll(
        async () => {
          const appended = await t.store.append(`relisten-${randomUUID()}`, 0, [note('after the reconnect')]);
          return subscription.reached(appended.position, 500).then(
            () => true,
            () => false,
          );
        },
        { timeout: 5_000, interval: 100 },
      )
      .toBe(true);
    expect(await appliedBy('relistens')).toEqual(await everyPositionOnce());
  });

  it('rolls back the effect and the checkpoint together when a batch fails, and applies the batch on the retry', async () => {
    await t.store.append('failing-1', 0, [note('a'), note('b'), note('c')]);
    let calls = 0;
    const errors: unknown[] = [];
    const subscription = await start({
      name: 'fails-once',
      batchSize: 1_000,
      retryDelayMs: 50,
      pollIntervalMs: 50,
      onError: (err) => errors.push(err),
      handle: async (events, tx) => {
        await applyInto('fails-once')(events, tx);
        if (++calls === 1) throw new Error('projection bug, fixed on the next try');
      },
    });
    await subscription.reached(await t.store.head(), 5_000);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
    expect(await appliedBy('fails-once')).toEqual(await everyPositionOnce());
    expect(subscription.status()).toMatchObject({ failures: 0, lastError: undefined });
  });

  it('reports a batch that keeps failing and never moves past it', async () => {
    const subscription = await start({
      name: 'poisoned',
      retryDelayMs: 20,
      handle: async () => {
        throw new Error('cannot apply this');
      },
    });
    await expect.poll(() => subscription.status().failures, { timeout: 5_000 }).toBeGreaterThan(2);
    expect(subscription.status()).toMatchObject({ position: 0, lastError: 'cannot apply this' });
    await expect(subscription.reached(1, 200)).rejects.toThrow('subscription poisoned is at position 0, not 1');
  });

  it('resumes from its checkpoint after a stop, applying nothing twice', async () => {
    const first = await startSubscription(t.db, { name: 'resumes', pollIntervalMs: 50, handle: applyInto('resumes') });
    await first.reached(await t.store.head(), 5_000);
    await first.stop();
    await t.store.append('while-stopped', 0, [note('missed nothing'), note('really')]);

    const second = await start({ name: 'resumes', pollIntervalMs: 50, handle: applyInto('resumes') });
    expect(second.status().position).toBe((await t.store.head()) - 2);
    await second.reached(await t.store.head(), 5_000);
    expect(await appliedBy('resumes')).toEqual(await everyPositionOnce());
  });

  it('shares the work between two instances of one subscription, applying each event once', async () => {
    const options = { name: 'shared', batchSize: 3, pollIntervalMs: 20, handle: applyInto('shared') };
    const [a, b] = [await start(options), await start(options)];
    const writes = Array.from({ length: 30 }, (_, i) => t.store.append(`shared-${i}`, 0, [note(`shared ${i}`)]));
    await Promise.all(writes);
    const head = await t.store.head();
    await expect.poll(async () => (await appliedBy('shared')).length, { timeout: 10_000 }).toBe(head);
    expect(await appliedBy('shared')).toEqual(await everyPositionOnce());
    await Promise.all([a.reached(head, 5_000), b.reached(head, 5_000)]);
  });

  it('survives its database connection being killed mid-batch, applying every event once', async () => {
    await t.store.append('killed-1', 0, [note('x'), note('y')]);
    let killed = false;
    const subscription = await start({
      name: 'killed',
      retryDelayMs: 50,
      pollIntervalMs: 50,
      handle: async (events, tx) => {
        await applyInto('killed')(events, tx);
        if (!killed) {
          killed = true;
          // The server ends this session with the batch's transaction open: as if the process died.
          await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
        }
      },
    });
    await subscription.reached(await t.store.head(), 10_000);
    expect(killed).toBe(true);
    expect(await appliedBy('killed')).toEqual(await everyPositionOnce());
  });
});
