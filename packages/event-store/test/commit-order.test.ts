import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { pgNotifications, startSubscription, type NewEvent, type RecordedEvent } from '../src/index.ts';
import { sleep, testStore, type TestStore } from './support/store.ts';

const note = (text: string): NewEvent => ({ type: 'test.noted.v1', data: { text } });

/** A gate a test opens by hand, to hold a transaction open at a chosen point. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('positions and transactions that commit out of order', () => {
  let t: TestStore;
  beforeAll(async () => {
    // 50 writers with a transaction open at once, plus the subscriber's.
    t = await testStore({ connections: 55 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows the hazard: a reader of a bigserial by "id > last" loses a row that commits after a larger one', async () => {
    await t.db.execute('CREATE TABLE naive_outbox (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)');
    const inserted = gate();
    const commit = gate();
    const slow = t.db.transaction(async (tx) => {
      await tx.execute("INSERT INTO naive_outbox (body) VALUES ('slow')"); // takes id 1, commits later
      inserted.open();
      await commit.opened;
    });
    await inserted.opened;
    await t.db.execute("INSERT INTO naive_outbox (body) VALUES ('fast')"); // takes id 2, commits now

    const read = (after: number) =>
      t.db.query<{ id: number; body: string }>('SELECT id, body FROM naive_outbox WHERE id > ? ORDER BY id', [after]);
    const firstRead = await read(0);
    const last = firstRead.at(-1)!.id;
    commit.open();
    await slow;
    const secondRead = await read(last);

    expect(firstRead.map((row) => row.body)).toEqual(['fast']);
    expect(secondRead).toEqual([]);
    // Both rows are committed, and the reader will never see 'slow'.
    expect((await read(0)).map((row) => row.body)).toEqual(['slow', 'fast']);
  });

  it('holds a later append back until the earlier one commits, so no reader sees position n+1 without n', async () => {
    const head = await t.store.head();
    const appended = gate();
    const commit = gate();
    const slow = t.db.transaction(async (tx) => {
      await t.store.appendIn(tx, 'held-slow', 0, [note('slow')]);
      appended.open();
      await commit.opened;
    });
    await appended.opened;
    let fastDone = false;
    const fast = t.store.append('held-fast', 0, [note('fast')]).then((result) => {
      fastDone = true;
      return result;
    });

    try {
      await sleep(300);
      expect(fastDone).toBe(false); // waiting for the head row, not committed behind the slow one's back
      expect(await t.store.readAll({ after: head })).toEqual([]);
    } finally {
      commit.open(); // a failed expectation must not leave the transaction open
    }
    await slow;
    const fastResult = await fast;
    const events = await t.store.readAll({ after: head });
    expect(events.map((e) => [e.position, e.streamId])).toEqual([
      [head + 1, 'held-slow'],
      [head + 2, 'held-fast'],
    ]);
    expect(fastResult.position).toBe(head + 2);
  });

  it('50 writers committing out of order: the subscriber sees every event exactly once, in a gap-free order', async () => {
    const writers = 50;
    const eventsPerWriter = 3;
    await t.db.execute('CREATE TABLE writer_starts (id BIGSERIAL PRIMARY KEY, writer INTEGER NOT NULL)');

    const seen: RecordedEvent[] = [];
    const subscription = await startSubscription(t.db, {
      name: 'commit-order-check',
      batchSize: 7, // small batches, so reading interleaves with the commits
      notifications: pgNotifications(t.url),
      pollIntervalMs: 250,
      handle: async (events) => {
        seen.push(...events);
      },
    });
    onTestFinished(() => subscription.stop());
    const headBefore = await t.store.head();

    // Writers start one after another (each takes its start number, and a transaction id, in
    // turn); once all have started, later starters commit first: commit order is start order reversed.
    const allStarted = gate();
    let previousStarted = Promise.resolve();
    const appends = Array.from({ length: writers }, (_, writer) => {
      const myTurn = previousStarted;
      const started = gate();
      previousStarted = started.opened;
      return t.db.transaction(async (tx) => {
        await myTurn;
        await tx.execute('INSERT INTO writer_starts (writer) VALUES (?)', [writer]);
        started.open();
        if (writer === writers - 1) allStarted.open();
        await allStarted.opened;
        await sleep((writers - writer) * 4);
        return t.store.appendIn(
          tx,
          `writer-${writer}`,
          0,
          Array.from({ length: eventsPerWriter }, (_, n) => note(`writer ${writer} event ${n + 1}`)),
        );
      });
    });
    const results = await Promise.all(appends);
    const head = await t.store.head();
    await subscription.reached(head, 15_000);

    // The workload really was out of order: commit positions against start order.
    const starts = await t.db.query<{ id: number; writer: number }>('SELECT id, writer FROM writer_starts ORDER BY id');
    const positionOf = (writer: number) => results[writer]!.position;
    const inversions = starts.filter((s, i) => i > 0 && positionOf(s.writer) < positionOf(starts[i - 1]!.writer));
    expect(inversions.length).toBeGreaterThan(0);
    expect(positionOf(starts[0]!.writer)).toBeGreaterThan(positionOf(starts.at(-1)!.writer)); // first in, last out

    // Every event, exactly once.
    expect(head - headBefore).toBe(writers * eventsPerWriter);
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const written = results.flatMap((r) => r.events.map((e) => e.id)).sort();
    expect(
      seen
        .filter((e) => e.streamId.startsWith('writer-'))
        .map((e) => e.id)
        .sort(),
    ).toEqual(written);
    // In a gap-free order: positions 1, 2, 3… up to the head, each once.
    expect(seen.map((e) => e.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    // And each stream in its own order.
    for (let writer = 0; writer < writers; writer++) {
      expect(seen.filter((e) => e.streamId === `writer-${writer}`).map((e) => e.version)).toEqual([1, 2, 3]);
    }
  });
});
