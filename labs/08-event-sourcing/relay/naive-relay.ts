import type pg from 'pg';
import type { CloudEvent, EventPublisher } from '@commlab/events';

/**
 * EXHIBIT — the relay this lab warns against. Do not copy it.
 *
 * It remembers the highest `seq` it published and asks for `seq > lastSeen`. A BIGSERIAL hands
 * out its number at INSERT, not at COMMIT: writer A takes 7, writer B takes 8, B commits
 * first, this relay publishes 8 and remembers 8 — and when A commits, 7 is below the mark and
 * is never published. Nothing fails and nothing is logged; the event is simply lost.
 * (The lab's real relays: `OutboxRelay` over `tableOutbox`, which asks by an unpublished mark,
 * and the event store's, whose positions are handed out in commit order.)
 */
export class HighWaterMarkRelay {
  #lastSeen = 0;
  readonly #pool: pg.Pool;
  readonly #table: string;
  readonly #publisher: EventPublisher;

  constructor(pool: pg.Pool, table: string, publisher: EventPublisher) {
    this.#pool = pool;
    this.#table = table;
    this.#publisher = publisher;
  }

  /** One poll: publishes what it sees above its mark and moves the mark. */
  async round(limit = 100): Promise<number> {
    const { rows } = await this.#pool.query<{ seq: string; event: CloudEvent }>(
      `SELECT seq, event FROM ${this.#table} WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [this.#lastSeen, limit],
    );
    for (const row of rows) {
      await this.#publisher.publish(row.event);
      this.#lastSeen = Number(row.seq);
    }
    return rows.length;
  }
}
