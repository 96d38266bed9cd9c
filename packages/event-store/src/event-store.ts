import { randomUUID } from 'node:crypto';
import type { Database, Sql } from './database.ts';
import { DuplicateEventIdError, WrongExpectedVersionError, type ExpectedVersion } from './errors.ts';
import { eventRowColumns, toRecordedEvent, type EventRow, type NewEvent, type RecordedEvent } from './events.ts';
import { eventStoreTables } from './schema.ts';
import { validAppend } from './validation.ts';

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append (its last event's version). */
  version: number;
  /** The global position of the last event appended. */
  position: number;
  /** The events as stored, in stream order. */
  events: RecordedEvent[];
}

export interface ReadStreamOptions {
  /** Only events after this version (default 0: from the start). */
  afterVersion?: number;
  limit?: number;
}

export interface ReadAllOptions {
  /** Only events after this global position (default 0: from the start). */
  after?: number;
  /** At most this many (default 500). */
  limit?: number;
}

export interface EventStore {
  /**
   * Appends `events` to the stream in one transaction of its own, if the stream is at
   * `expected`. Otherwise throws WrongExpectedVersionError and writes nothing — unless the
   * very same events (same ids) were appended at exactly that place before, in which case this
   * is a retry of an append whose answer was lost, and it resolves to that append's result.
   */
  append(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult>;
  /**
   * The same inside the caller's transaction (READ COMMITTED, PostgreSQL's default), so a
   * state change and its events commit together. From here until that transaction ends,
   * every other append waits: call it last, then commit.
   */
  appendIn(tx: Sql, streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult>;
  /** A stream's events in version order ([] for a stream that does not exist). */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Every stream's events in global position order: the log subscribers read. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The last committed position (0 when empty): how far a subscriber has to go. */
  head(): Promise<number>;
  /** A stream's current version (0 when it does not exist). */
  version(streamId: string): Promise<number>;
}

/**
 * Creates the store's tables if needed and returns the store.
 *
 * Global positions are dense (1, 2, 3… with no holes) and in commit order: a subscriber that
 * has seen position p has seen everything before p, now and forever, so `position > p` is a
 * safe query. The price is that appends commit one at a time. See README "Positions".
 */
export async function openEventStore(db: Database): Promise<EventStore> {
  await db.setUp(eventStoreTables);

  const appendIn: EventStore['appendIn'] = async (tx, streamId, expected, events) => {
    const batch = validAppend(streamId, expected, events).map((event) => ({
      id: event.id?.toLowerCase() ?? randomUUID(),
      type: event.type,
      data: event.data,
      metadata: event.metadata ?? {},
    }));

    // 1. Take the head row's lock: held until this transaction ends, so positions are handed
    //    out in commit order. Numbers handed out at insert time (a sequence, a bigserial) would
    //    let a transaction commit position 8 while 7 is still open: a reader that saw 8 and
    //    moved on would skip 7 for good.
    const [head] = await tx.query<{ position: number; isolation: string; in_transaction: boolean }>(
      `SELECT position, current_setting('transaction_isolation') AS isolation,
              now() <> statement_timestamp() AS in_transaction
         FROM events_head FOR UPDATE`,
    );
    if (!head) throw new Error('the event store has no head row: its tables were changed outside openEventStore');
    // Outside a transaction the lock would end with this statement and order would be lost.
    if (!head.in_transaction) throw new Error('appendIn needs an open transaction (use append, or db.transaction)');
    // Under REPEATABLE READ the version read below would come from a snapshot older than the lock.
    if (head.isolation !== 'read committed') {
      throw new Error(`appendIn needs a READ COMMITTED transaction, this one is ${head.isolation}`);
    }

    // 2. Read the stream's version in a statement of its own, after the lock: READ COMMITTED
    //    gives each statement a fresh snapshot, so every append that held the lock before us is
    //    in it. (A subquery of the locking statement would use a snapshot from before the wait.)
    const [current] = await tx.query<{ version: number }>(
      'SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = ?',
      [streamId],
    );
    const actual = current!.version;
    if (expected !== 'any' && actual !== expected) {
      const earlier = await sameAppendStored(tx, streamId, expected, batch);
      if (earlier) return earlier;
      throw new WrongExpectedVersionError(streamId, expected, actual);
    }

    // 3. Insert with the next positions and versions; moving the head in the same statement.
    try {
      const rows = await tx.query<EventRow>(
        `WITH batch AS (
           SELECT e.n, e.value FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS e(value, n)
         ), head AS (
           UPDATE events_head SET position = position + ? RETURNING position
         )
         INSERT INTO events (position, stream_id, version, event_id, type, data, metadata)
         SELECT head.position - ? + batch.n, ?, (?::int + batch.n)::int, (batch.value->>'id')::uuid,
                batch.value->>'type', batch.value->'data', batch.value->'metadata'
           FROM batch, head
         RETURNING ${eventRowColumns}`,
        [JSON.stringify(batch), batch.length, batch.length, streamId, actual],
      );
      const recorded = rows.map(toRecordedEvent).sort((a, b) => a.version - b.version);
      return { streamId, version: recorded.at(-1)!.version, position: recorded.at(-1)!.position, events: recorded };
    } catch (err) {
      if (isUniqueViolation(err, 'events_event_id')) throw new DuplicateEventIdError(streamId, detailOf(err));
      throw err;
    }
  };

  return {
    appendIn,
    append: (streamId, expected, events) => db.transaction((tx) => appendIn(tx, streamId, expected, events)),
    readStream: async (streamId, { afterVersion = 0, limit = 1_000_000 } = {}) =>
      (
        await db.query<EventRow>(
          `SELECT ${eventRowColumns} FROM events WHERE stream_id = ? AND version > ? ORDER BY version LIMIT ?`,
          [streamId, afterVersion, limit],
        )
      ).map(toRecordedEvent),
    readAll: async ({ after = 0, limit = 500 } = {}) => readAll(db, after, limit),
    head: async () => (await db.query<{ position: number }>('SELECT position FROM events_head'))[0]!.position,
    version: async (streamId) =>
      (
        await db.query<{ version: number }>(
          'SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = ?',
          [streamId],
        )
      )[0]!.version,
  };
}

/** Events after `after` in position order, on the database or inside a transaction. */
export async function readAll(sql: Sql, after: number, limit: number): Promise<RecordedEvent[]> {
  return (
    await sql.query<EventRow>(`SELECT ${eventRowColumns} FROM events WHERE position > ? ORDER BY position LIMIT ?`, [
      after,
      limit,
    ])
  ).map(toRecordedEvent);
}

/**
 * A retry of an append whose commit succeeded but whose answer never arrived: the same ids
 * stand right after `expected`. Only events with ids the caller chose can match.
 */
async function sameAppendStored(
  tx: Sql,
  streamId: string,
  expected: number,
  batch: readonly { id: string }[],
): Promise<AppendResult | undefined> {
  const rows = await tx.query<EventRow>(
    `SELECT ${eventRowColumns} FROM events WHERE stream_id = ? AND version > ? ORDER BY version LIMIT ?`,
    [streamId, expected, batch.length],
  );
  if (rows.length !== batch.length || rows.some((row, i) => row.event_id !== batch[i]!.id)) return undefined;
  const recorded = rows.map(toRecordedEvent);
  return { streamId, version: recorded.at(-1)!.version, position: recorded.at(-1)!.position, events: recorded };
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === constraint;
}

function detailOf(err: unknown): string {
  return (err as { detail?: string }).detail ?? (err as Error).message;
}

/**
 * Empties the store between a lab's exercises (`pnpm lab reset`): every stream, snapshot and
 * checkpoint, and positions start at 1 again. Projections' own tables are theirs to empty
 * (rebuildProjection). Not for production: the log is the system of record.
 */
export async function resetEventStore(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    // The head row's lock first: an append in flight finishes before the log is emptied.
    await tx.query('SELECT position FROM events_head FOR UPDATE');
    // Then the tables in the order a subscription's batch takes them (its checkpoint row, then
    // the events it reads): a batch in flight finishes first instead of deadlocking with us.
    await tx.execute('LOCK TABLE subscription_checkpoints, events, snapshots IN ACCESS EXCLUSIVE MODE');
    await tx.execute('TRUNCATE subscription_checkpoints, events, snapshots');
    await tx.execute('UPDATE events_head SET position = 0');
  });
}
