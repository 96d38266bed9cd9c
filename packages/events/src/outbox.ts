import type { EventPublisher } from './bus.ts';
import type { CloudEvent } from './envelope.ts';
import type { BusLog } from './log.ts';

/**
 * The transactional outbox: events stored in the same transaction as the change they
 * announce, waiting to be published (oldest first). A service's store implements it.
 */
export interface EventOutbox {
  unpublished(limit: number): Promise<CloudEvent[]>;
  markPublished(eventId: string): Promise<void>;
}

export interface OutboxRelayOptions {
  outbox: EventOutbox;
  publisher: EventPublisher;
  logger: BusLog;
  /** How often to look for events still unpublished (after a broker outage, or a crash). */
  intervalMs: number;
  batchSize?: number;
}

/**
 * Publishes what the outbox holds, oldest first: publish, and only once the broker confirmed,
 * mark published. A crash in between means the event goes out again later — consumers
 * deduplicate by event id. It runs at start-up, when kicked after a commit, and on an interval.
 * On the first failure a round stops, so an order's events never overtake each other.
 */
export class OutboxRelay {
  readonly #options: Required<OutboxRelayOptions>;
  #round: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;

  constructor(options: OutboxRelayOptions) {
    this.#options = { batchSize: 100, ...options };
  }

  start(): void {
    this.kick();
    this.#timer = setInterval(() => this.kick(), this.#options.intervalMs);
  }

  /** Publish soon; rounds never overlap, and kicks during a round coalesce into one more. */
  kick(): void {
    if (this.#round) {
      this.#again = true;
      return;
    }
    this.#round = this.#publishAll().finally(() => {
      this.#round = undefined;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#again = false;
    await this.#round;
  }

  async #publishAll(): Promise<void> {
    const { outbox, publisher, logger, batchSize } = this.#options;
    try {
      for (;;) {
        const events = await outbox.unpublished(batchSize);
        for (const event of events) {
          await publisher.publish(event);
          await outbox.markPublished(event.id);
        }
        if (events.length < batchSize) break;
      }
      if (this.#failing) logger.info({}, 'event relay: publishing again');
      this.#failing = false;
    } catch (err) {
      // Logged once per outage, not once per round; the events wait in the outbox.
      if (!this.#failing) logger.warn({ err }, 'event relay: cannot publish now; events wait in the outbox');
      this.#failing = true;
    }
  }
}
