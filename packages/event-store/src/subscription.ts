import type { Database, Notifications, Sql } from './database.ts';
import { readAll } from './event-store.ts';
import type { RecordedEvent } from './events.ts';
import { eventsChannel } from './schema.ts';

export interface SubscriptionOptions {
  /** Names the checkpoint: one position per name, shared by every instance that runs it. */
  name: string;
  /**
   * Applies a batch inside the transaction that also moves the checkpoint past it: the effect
   * and the checkpoint commit together or not at all. An effect outside the database (a
   * publish) may run again after a crash: at least once, so make it idempotent.
   */
  handle(events: readonly RecordedEvent[], tx: Sql): Promise<void>;
  /** Events per transaction (default 100). */
  batchSize?: number;
  /** Wake-ups on append; without them the subscription polls only. */
  notifications?: Notifications;
  /** How often to look when nothing woke it (default 1000 ms; a missed wake-up costs at most this). */
  pollIntervalMs?: number;
  /** Wait after a failed batch before trying it again (default 1000 ms). */
  retryDelayMs?: number;
  /** Told about each failed batch; the batch is retried, never skipped. */
  onError?: (err: unknown) => void;
}

export interface SubscriptionStatus {
  name: string;
  /** The checkpoint as this instance last read or wrote it. */
  position: number;
  /** Batches failed in a row (0 while healthy); a poison event keeps this growing. */
  failures: number;
  lastError: string | undefined;
}

export interface Subscription {
  status(): SubscriptionStatus;
  /**
   * Resolves once the checkpoint reached `position`, e.g. the position an append returned:
   * a reader that waits for it reads its own write.
   */
  reached(position: number, timeoutMs?: number): Promise<void>;
  /** Stops after the batch in hand committed (or rolled back). */
  stop(): Promise<void>;
}

const checkpointRow = 'INSERT INTO subscription_checkpoints (name) VALUES (?) ON CONFLICT DO NOTHING';

/**
 * A catch-up subscription: reads the log from its checkpoint to the head in batches, then
 * follows it live (a NOTIFY wakes it; it polls as well). Reading `position > checkpoint` is
 * safe because positions are handed out in commit order (see event-store.ts).
 *
 * Several instances with one name share the work safely: each batch locks the checkpoint row
 * (SKIP LOCKED: an instance that finds it taken waits for the next turn instead of queuing).
 */
export async function startSubscription(db: Database, options: SubscriptionOptions): Promise<Subscription> {
  const { name, handle, notifications, onError } = options;
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const retryDelayMs = options.retryDelayMs ?? 1_000;

  await db.execute(checkpointRow, [name]);
  const [initial] = await db.query<{ position: number }>(
    'SELECT position FROM subscription_checkpoints WHERE name = ?',
    [name],
  );
  let position = initial!.position;
  let failures = 0;
  let lastError: string | undefined;
  let stopped = false;

  const waiters = new Set<{ position: number; resolve: () => void }>();
  const moved = (to: number) => {
    position = to;
    for (const waiter of waiters) {
      if (position >= waiter.position) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  // A wake-up that arrives while a batch runs is kept, so the next wait returns at once.
  let woken = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    woken = true;
    wake?.();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) {
        woken = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      wake = done;
      function done() {
        clearTimeout(timer);
        wake = undefined;
        woken = false;
        resolve();
      }
    });

  /** One batch: the events it handled and the checkpoint after it, or 'busy' when another instance holds the turn. */
  const step = () =>
    db.transaction(async (tx): Promise<{ handled: number; checkpoint: number } | 'busy'> => {
      const [checkpoint] = await tx.query<{ position: number }>(
        'SELECT position FROM subscription_checkpoints WHERE name = ? FOR UPDATE SKIP LOCKED',
        [name],
      );
      if (!checkpoint) return 'busy';
      const events = await readAll(tx, checkpoint.position, batchSize);
      if (events.length === 0) return { handled: 0, checkpoint: checkpoint.position };
      await handle(events, tx);
      const last = events.at(-1)!.position;
      await tx.execute('UPDATE subscription_checkpoints SET position = ?, updated_at = now() WHERE name = ?', [
        last,
        name,
      ]);
      return { handled: events.length, checkpoint: last };
    });

  const stopListening = notifications ? await notifications.listen(eventsChannel, poke) : undefined;

  const loop = (async () => {
    while (!stopped) {
      let result: Awaited<ReturnType<typeof step>>;
      try {
        result = await step();
        failures = 0;
        lastError = undefined;
      } catch (err) {
        failures++;
        lastError = err instanceof Error ? err.message : String(err);
        onError?.(err);
        await pause(retryDelayMs);
        continue;
      }
      if (result !== 'busy') moved(result.checkpoint);
      // Busy: another instance holds the row, or the row is gone (resetEventStore): bring it back.
      else await db.execute(checkpointRow, [name]).catch(() => {});
      // A full batch means more is waiting; anything less means caught up: wait for news.
      if (result === 'busy' || result.handled < batchSize) await pause(pollIntervalMs);
    }
  })();

  return {
    status: () => ({ name, position, failures, lastError }),
    reached: (target, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (position >= target) return resolve();
        const waiter = {
          position: target,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`subscription ${name} is at position ${position}, not ${target}, after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
        poke();
      }),
    stop: async () => {
      stopped = true;
      poke();
      await loop;
      await stopListening?.();
    },
  };
}
