import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateEventIdError, WrongExpectedVersionError, type NewEvent } from '../src/index.ts';
import { testStore, type TestStore } from './support/store.ts';

const note = (text: string): NewEvent => ({ type: 'test.noted.v1', data: { text } });

describe('appending to a stream', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await testStore({ connections: 25 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a new stream at versions 1..n and reads it back in order', async () => {
    const result = await t.store.append('notes-a', 0, [note('one'), note('two'), note('three')]);
    expect(result.version).toBe(3);
    const events = await t.store.readStream('notes-a');
    expect(events.map((e) => [e.version, e.data])).toEqual([
      [1, { text: 'one' }],
      [2, { text: 'two' }],
      [3, { text: 'three' }],
    ]);
    expect(events.map((e) => e.position)).toEqual([result.position - 2, result.position - 1, result.position]);
    expect(await t.store.version('notes-a')).toBe(3);
    expect(await t.store.readStream('notes-none')).toEqual([]);
  });

  it('refuses a stale expected version, writes nothing, and says what it expected and what it found', async () => {
    await t.store.append('notes-b', 0, [note('first')]);
    const headBefore = await t.store.head();
    const refused = await t.store.append('notes-b', 0, [note('lost update')]).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WrongExpectedVersionError);
    expect(refused).toMatchObject({ streamId: 'notes-b', expected: 0, actual: 1, code: 'WRONG_EXPECTED_VERSION' });
    expect((await t.store.readStream('notes-b')).map((e) => e.data)).toEqual([{ text: 'first' }]);
    expect(await t.store.head()).toBe(headBefore);
  });

  it('lets exactly one of 20 concurrent appends with the same expected version win, round after round', async () => {
    for (let round = 0; round < 5; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, writer) => t.store.append('notes-race', round, [note(`r${round} w${writer}`)])),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const { reason } of lost) {
        expect(reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(reason).toMatchObject({ expected: round, actual: round + 1 });
      }
    }
    expect((await t.store.readStream('notes-race')).map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps every event when 20 writers retry on conflict: versions 1..20, one event each', async () => {
    const writers = Array.from({ length: 20 }, async (_, writer) => {
      let conflicts = 0;
      for (;;) {
        const version = await t.store.version('notes-retry');
        try {
          await t.store.append('notes-retry', version, [note(`w${writer}`)]);
          return conflicts;
        } catch (err) {
          if (!(err instanceof WrongExpectedVersionError)) throw err;
          conflicts++;
        }
      }
    });
    const conflicts = (await Promise.all(writers)).reduce((a, b) => a + b, 0);
    const events = await t.store.readStream('notes-retry');
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => (e.data as { text: string }).text)).size).toBe(20);
    expect(conflicts).toBeGreaterThan(0); // the writers really did collide
  });

  it('answers a retried append (same event ids at the same place) with the earlier result, not a conflict', async () => {
    const events = [
      { ...note('once'), id: randomUUID() },
      { ...note('only once'), id: randomUUID() },
    ];
    const first = await t.store.append('notes-retried', 0, events);
    const again = await t.store.append('notes-retried', 0, events);
    expect(again).toEqual(first);
    expect(await t.store.readStream('notes-retried')).toHaveLength(2);
    // The same ids appended anywhere else are a mistake, not a retry.
    await expect(t.store.append('notes-retried', 2, events)).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(t.store.append('notes-elsewhere', 0, events)).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(t.store.append('notes-retried', 'any', events)).rejects.toBeInstanceOf(DuplicateEventIdError);
  });

  it('leaves no hole in the positions when an appending transaction rolls back', async () => {
    const before = await t.store.head();
    await expect(
      t.db.transaction(async (tx) => {
        await t.store.appendIn(tx, 'notes-rolled-back', 0, [note('never')]);
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('the caller changed its mind');
    const after = await t.store.append('notes-c', 0, [note('next')]);
    expect(after.position).toBe(before + 1);
    expect(await t.store.readStream('notes-rolled-back')).toEqual([]);
    const [{ count }] = (await t.db.query('SELECT count(*) AS count FROM events')) as [{ count: number }];
    expect(count).toBe(await t.store.head());
  });

  it('commits the events with the caller’s own change in one transaction (appendIn)', async () => {
    await t.db.execute('CREATE TABLE IF NOT EXISTS carts (id TEXT PRIMARY KEY)');
    await t.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO carts (id) VALUES (?)', ['cart-1']);
      await t.store.appendIn(tx, 'cart-1', 0, [note('checked out')]);
    });
    expect(await t.db.query('SELECT id FROM carts')).toEqual([{ id: 'cart-1' }]);
    expect(await t.store.version('cart-1')).toBe(1);
  });

  it('refuses appendIn outside a transaction and under REPEATABLE READ, naming why', async () => {
    await expect(t.store.appendIn(t.db, 'notes-d', 0, [note('x')])).rejects.toThrow(
      'appendIn needs an open transaction',
    );
    await expect(
      t.db.transaction(async (tx) => {
        await tx.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await t.store.appendIn(tx, 'notes-d', 0, [note('x')]);
      }),
    ).rejects.toThrow('appendIn needs a READ COMMITTED transaction, this one is repeatable read');
    expect(await t.store.readStream('notes-d')).toEqual([]);
  });

  it('refuses to update or delete a stored event: the log is append-only', async () => {
    await t.store.append('notes-e', 0, [note('kept')]);
    await expect(t.db.execute("UPDATE events SET data = '{}' WHERE stream_id = 'notes-e'")).rejects.toThrow(
      'events are append-only: UPDATE refused',
    );
    await expect(t.db.execute("DELETE FROM events WHERE stream_id = 'notes-e'")).rejects.toThrow(
      'events are append-only: DELETE refused',
    );
    expect(await t.store.readStream('notes-e')).toHaveLength(1);
  });

  it('refuses bad input before touching the database, naming the field', async () => {
    await expect(t.store.append('', 0, [note('x')])).rejects.toThrow('streamId must be a string');
    await expect(t.store.append('notes-f', -1, [note('x')])).rejects.toThrow('expectedVersion must be a whole number');
    await expect(t.store.append('notes-f', 0, [])).rejects.toThrow('events must be an array of 1 to 1000 events');
    await expect(t.store.append('notes-f', 0, [{ type: 'x', data: undefined }])).rejects.toThrow(
      'events[0].data must be a JSON value',
    );
    expect(await t.store.version('notes-f')).toBe(0);
  });
});
