import type pg from 'pg';
import type { CloudEvent, EventOutbox } from '@commlab/events';

/**
 * A transactional outbox as a plain table, the shape the order service's `order_events` has:
 * a writer inserts its events in the transaction of its change; `published_at` stays empty
 * until the relay's broker confirmed them. Both relays of this lab read it.
 */
export const outboxTable = (name: string) => `
  CREATE TABLE IF NOT EXISTS ${name} (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    event JSONB NOT NULL,
    published_at TIMESTAMPTZ
  );
  CREATE INDEX IF NOT EXISTS ${name}_unpublished ON ${name} (seq) WHERE published_at IS NULL;`;

/**
 * What the real relay (`OutboxRelay` of @commlab/events) asks of the table: what is not marked
 * yet, oldest first, and marking one event once its publish was confirmed. It asks by the
 * mark, not by a position it remembers, so a row that commits after a later-numbered one is
 * still found.
 */
export function tableOutbox(pool: pg.Pool, table: string): EventOutbox {
  return {
    unpublished: async (limit) =>
      (
        await pool.query<{ event: CloudEvent }>(
          `SELECT event FROM ${table} WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
          [limit],
        )
      ).rows.map((row) => row.event),
    markPublished: async (id) => {
      await pool.query(`UPDATE ${table} SET published_at = now() WHERE id = $1`, [id]);
    },
  };
}
