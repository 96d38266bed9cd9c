import type { Database, Sql } from './database.ts';
import type { RecordedEvent } from './events.ts';
import { startSubscription, type Subscription, type SubscriptionOptions } from './subscription.ts';

/**
 * A read model (the query side of CQRS): tables kept up to date from the log by a catch-up
 * subscription. Everything in them can be thrown away and built again from the events.
 */
export interface Projection {
  /** Names its checkpoint (and, by convention, its main table). */
  name: string;
  /** Creates its tables; safe to run again. Statements without values only. */
  setUp: string;
  /** Drops its tables (one statement). */
  drop: string;
  /**
   * Applies one event in the batch's transaction; ignores types it does not know. Only data
   * from the event goes in (its recordedAt, never now()), so a replay writes the same rows.
   */
  apply(event: RecordedEvent, tx: Sql): Promise<void>;
}

/** How far a projection is behind the log, read in one snapshot with the data it goes with. */
export interface Consistency {
  /** The last position applied to the projection. */
  position: number;
  /** The last position committed to the log. */
  head: number;
  /** Events not yet applied (positions are dense, so this is a count). */
  behind: number;
}

/** Creates the projection's tables and keeps them up to date from its checkpoint onwards. */
export async function runProjection(
  db: Database,
  projection: Projection,
  options: Omit<SubscriptionOptions, 'name' | 'handle'> = {},
): Promise<Subscription> {
  await db.setUp(projection.setUp);
  return startSubscription(db, {
    ...options,
    name: projection.name,
    handle: async (events, tx) => {
      for (const event of events) await projection.apply(event, tx);
    },
  });
}

/**
 * Drop and rebuild: drops the tables, creates them empty and sets the checkpoint back to 0,
 * in one transaction. The projection's subscription (running or started later) then replays
 * the whole log into them; until it catches up, `consistency` says how far behind it is.
 */
export async function rebuildProjection(db: Database, projection: Projection): Promise<void> {
  await db.transaction(async (tx) => {
    // Waits for the batch in hand to commit: the checkpoint row is the subscription's turn.
    await tx.execute('INSERT INTO subscription_checkpoints (name) VALUES (?) ON CONFLICT DO NOTHING', [
      projection.name,
    ]);
    await tx.query('SELECT position FROM subscription_checkpoints WHERE name = ? FOR UPDATE', [projection.name]);
    await tx.execute(projection.drop);
    await tx.execute(projection.setUp);
    await tx.execute('UPDATE subscription_checkpoints SET position = 0, updated_at = now() WHERE name = ?', [
      projection.name,
    ]);
  });
}

/** The projection's position against the log's head (behind 0 = up to date). */
export async function projectionConsistency(sql: Sql, name: string): Promise<Consistency> {
  const [row] = await sql.query<PositionColumns>(
    `SELECT c.position AS projected, h.position AS head
       FROM events_head h LEFT JOIN subscription_checkpoints c ON c.name = ?`,
    [name],
  );
  return consistencyOf(row!);
}

/**
 * The two columns a read adds to carry its own consistency, from the same snapshot as its rows:
 * `c.position AS projected, h.position AS head` with
 * `events_head h LEFT JOIN subscription_checkpoints c ON c.name = <projection>`.
 */
export interface PositionColumns {
  projected: number | null;
  head: number;
}

export function consistencyOf({ projected, head }: PositionColumns): Consistency {
  const position = projected ?? 0;
  return { position, head, behind: Math.max(0, head - position) };
}

/**
 * Waits until the projection has applied `position` (e.g. the one an append returned), from
 * any process: what an API needs to read its own writes, or to answer "not yet" after
 * `timeoutMs` with the consistency it did reach.
 */
export async function projectionReached(
  sql: Sql,
  name: string,
  position: number,
  { timeoutMs = 5_000, pollMs = 25 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<{ reached: boolean; consistency: Consistency }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await projectionConsistency(sql, name);
    if (now.position >= position) return { reached: true, consistency: now };
    if (Date.now() >= deadline) return { reached: false, consistency: now };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
