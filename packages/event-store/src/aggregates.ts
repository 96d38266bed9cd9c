import type { Database, Sql } from './database.ts';
import { WrongExpectedVersionError } from './errors.ts';
import type { AppendResult, EventStore } from './event-store.ts';
import type { NewEvent, RecordedEvent } from './events.ts';
import { canonicalJson } from './canonical-json.ts';

/** How a stream's events fold into the state decisions are made on. */
export interface Aggregate<State> {
  /**
   * Names the shape of `State`. Change it whenever `evolve` changes: snapshots taken under
   * another name are ignored (and replaced), never folded into by the new code.
   */
  schema: string;
  initial: State;
  /** Pure; returns plain JSON data, since snapshots store it as JSONB. */
  evolve(state: State, event: RecordedEvent): State;
}

export interface Loaded<State> {
  state: State;
  /** The stream's version this state includes (0: the stream does not exist). */
  version: number;
  /** The version of the snapshot the load started from (0: none). */
  snapshotVersion: number;
  /** How many events were folded on top of the snapshot. */
  replayed: number;
}

export interface Appended<State> extends AppendResult {
  /** The state after the appended events. */
  state: State;
  /** Whether this append crossed a multiple of `snapshotEvery` and stored a snapshot with it. */
  snapshotted: boolean;
}

export interface SnapshotCheck<State> {
  snapshot: { version: number; state: State } | undefined;
  /** The stream folded from its first event up to the snapshot's version. */
  rebuilt: State;
  /** The snapshot holds exactly what a rebuild from the events gives (true when there is none). */
  equal: boolean;
}

export interface AggregateStore<State> {
  /** The latest snapshot (if any) plus the events after it. */
  load(streamId: string): Promise<Loaded<State>>;
  /** Appends after `from` (what load returned); with a snapshot in the same transaction when one is due. */
  append(
    streamId: string,
    from: Pick<Loaded<State>, 'state' | 'version'>,
    events: readonly NewEvent[],
  ): Promise<Appended<State>>;
  /** The same inside the caller's transaction (see EventStore.appendIn). */
  appendIn(
    tx: Sql,
    streamId: string,
    from: Pick<Loaded<State>, 'state' | 'version'>,
    events: readonly NewEvent[],
  ): Promise<Appended<State>>;
  /**
   * Load, decide, append; on a concurrency conflict load again and decide again (at most
   * `maxAttempts` times, then the conflict is thrown). `decide` returning [] appends nothing.
   */
  update(
    streamId: string,
    decide: (loaded: Loaded<State>) => readonly NewEvent[],
    options?: { maxAttempts?: number },
  ): Promise<Appended<State> | Loaded<State>>;
  /** Folds the whole stream from its first event, ignoring snapshots (up to `upToVersion`). */
  rebuild(streamId: string, upToVersion?: number): Promise<Loaded<State>>;
  /** Compares the stored snapshot with a rebuild from the events up to its version. */
  checkSnapshot(streamId: string): Promise<SnapshotCheck<State>>;
}

export interface AggregateStoreOptions {
  /** Store a snapshot each time a stream's version crosses a multiple of this (default 50; 0: never). */
  snapshotEvery?: number;
}

/**
 * Loading and saving one kind of stream. Snapshots are a cache of the fold: a stream loads
 * from its latest snapshot plus the events after it, and loads the same without it.
 */
export function aggregateStore<State>(
  db: Database,
  store: EventStore,
  aggregate: Aggregate<State>,
  { snapshotEvery = 50 }: AggregateStoreOptions = {},
): AggregateStore<State> {
  const fold = (state: State, events: readonly RecordedEvent[]) => events.reduce(aggregate.evolve, state);

  const readSnapshot = async (streamId: string) =>
    (
      await db.query<{ version: number; state: State }>(
        'SELECT version, state FROM snapshots WHERE stream_id = ? AND schema = ?',
        [streamId, aggregate.schema],
      )
    )[0];

  const appendIn: AggregateStore<State>['appendIn'] = async (tx, streamId, from, events) => {
    const result = await store.appendIn(tx, streamId, from.version, events);
    const state = fold(from.state, result.events);
    const due =
      snapshotEvery > 0 && Math.floor(from.version / snapshotEvery) < Math.floor(result.version / snapshotEvery);
    if (due) {
      // In the append's transaction: a snapshot exists only for events that exist. The guard
      // keeps a slower writer from replacing a newer snapshot with an older one.
      await tx.execute(
        `INSERT INTO snapshots (stream_id, schema, version, state) VALUES (?, ?, ?, ?::jsonb)
         ON CONFLICT (stream_id, schema) DO UPDATE SET version = excluded.version, state = excluded.state, taken_at = now()
         WHERE snapshots.version < excluded.version`,
        [streamId, aggregate.schema, result.version, JSON.stringify(state)],
      );
    }
    return { ...result, state, snapshotted: due };
  };

  const load: AggregateStore<State>['load'] = async (streamId) => {
    const snapshot = await readSnapshot(streamId);
    const from = snapshot ?? { version: 0, state: aggregate.initial };
    const events = await store.readStream(streamId, { afterVersion: from.version });
    return {
      state: fold(from.state, events),
      version: events.at(-1)?.version ?? from.version,
      snapshotVersion: snapshot?.version ?? 0,
      replayed: events.length,
    };
  };

  const rebuild: AggregateStore<State>['rebuild'] = async (streamId, upToVersion) => {
    const events = await store.readStream(streamId, upToVersion === undefined ? {} : { limit: upToVersion });
    return {
      state: fold(aggregate.initial, events),
      version: events.at(-1)?.version ?? 0,
      snapshotVersion: 0,
      replayed: events.length,
    };
  };

  return {
    load,
    appendIn,
    append: (streamId, from, events) => db.transaction((tx) => appendIn(tx, streamId, from, events)),
    update: async (streamId, decide, { maxAttempts = 3 } = {}) => {
      for (let attempt = 1; ; attempt++) {
        const loaded = await load(streamId);
        const events = decide(loaded);
        if (events.length === 0) return loaded;
        try {
          return await db.transaction((tx) => appendIn(tx, streamId, loaded, events));
        } catch (err) {
          if (!(err instanceof WrongExpectedVersionError) || attempt >= maxAttempts) throw err;
        }
      }
    },
    rebuild,
    checkSnapshot: async (streamId) => {
      const snapshot = await readSnapshot(streamId);
      const rebuilt = await rebuild(streamId, snapshot?.version ?? 0);
      return {
        snapshot,
        rebuilt: rebuilt.state,
        equal: snapshot === undefined || canonicalJson(snapshot.state) === canonicalJson(rebuilt.state),
      };
    },
  };
}
