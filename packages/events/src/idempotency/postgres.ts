import { pgTransaction } from '@commlab/sql';
import { processedEventsTable, type ProcessedEvents } from './processed-events.ts';

/** The little of a pg client this needs (a pg.PoolClient fits; no pg import here). */
export interface PgClient {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}

/** A pg.Pool fits. */
export interface PgPool extends PgClient {
  connect(): Promise<PgClient & { release(broken?: boolean): void }>;
}

/**
 * processed_events on a raw pg pool, for a store that keeps its own (others use processedEvents
 * on @commlab/sql). Each call takes a pooled connection for its transaction and hands it to the
 * effect. Two deliveries of one event at the same moment are safe: the second insert waits on
 * the first one's primary-key entry and then finds it.
 */
export async function postgresProcessedEvents(pool: PgPool): Promise<ProcessedEvents<PgClient>> {
  await pool.query(processedEventsTable);
  return {
    once: (consumer, eventId, effect) =>
      pgTransaction(pool, async (client) => {
        const inserted = await client.query(
          'INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [consumer, eventId, new Date().toISOString()],
        );
        if (inserted.rowCount === 0) return false;
        await effect(client);
        return true;
      }),
  };
}
