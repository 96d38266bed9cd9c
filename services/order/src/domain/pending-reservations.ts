import { inventoryUnwell, OrderError } from './errors.ts';
import type { OrderLifecycle } from './order-lifecycle.ts';
import type { OrderStore, StockReservations } from './ports.ts';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PendingReservationsDeps {
  store: Pick<OrderStore, 'list'>;
  /** The same resilient seam checkout uses: an open breaker refuses these calls at once too. */
  stock: StockReservations;
  lifecycle: Pick<OrderLifecycle, 'stockReserved' | 'stockRejected'>;
  /** How long one reservation may take. */
  reserveTimeoutMs: number;
  logger: Log;
  /** Pending orders looked at per round, oldest first. */
  batch?: number;
}

/** What one round did. */
export interface Round {
  confirmed: number;
  rejected: number;
  /** Still pending: inventory is unwell, so the round stopped early. */
  waiting: number;
}

/**
 * The second half of the pending fallback (INVENTORY_FALLBACK=pending): orders that checkout
 * accepted pending while inventory was unwell get their stock reserved once it answers again,
 * and become confirmed (or rejected, when inventory refuses the stock). Reserve is idempotent by
 * the order's id, so a reservation whose first attempt timed out and did reach inventory is not
 * booked twice. The orders are read from the store, so none is forgotten across a restart.
 */
export class PendingReservations {
  readonly #deps: Required<PendingReservationsDeps>;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(deps: PendingReservationsDeps) {
    this.#deps = { batch: 50, ...deps };
  }

  /** Reserves the stock of the oldest pending orders, until inventory is unwell again. */
  async completeSome(): Promise<Round> {
    const { store, stock, lifecycle, reserveTimeoutMs, batch, logger } = this.#deps;
    const round: Round = { confirmed: 0, rejected: 0, waiting: 0 };
    const { items } = await store.list({ status: 'pending', limit: batch });
    for (const [i, order] of items.entries()) {
      try {
        await stock.reserve(order.id, order.lines, new Date(Date.now() + reserveTimeoutMs));
      } catch (err) {
        if (inventoryUnwell(err)) {
          // Asking for the next ones now would only add load to an inventory that cannot answer.
          round.waiting = items.length - i;
          break;
        }
        if (!(err instanceof OrderError)) throw err;
        await lifecycle.stockRejected(order.id, { code: err.reason, detail: err.message });
        round.rejected++;
        continue;
      }
      const result = await lifecycle.stockReserved(order.id);
      if (result.outcome === 'changed') round.confirmed++;
      // Cancelled while its reservation was on its way: nothing will ever release that stock but us.
      else if (result.outcome === 'unchanged' && result.order.status === 'cancelled') {
        await stock.release(order.id, new Date(Date.now() + reserveTimeoutMs));
      }
    }
    if (round.confirmed + round.rejected > 0) {
      logger.info(round, `pending orders completed: ${round.confirmed} confirmed, ${round.rejected} rejected`);
    }
    return round;
  }

  /** Runs a round every `intervalMs`, one at a time, until `close`. */
  start(intervalMs: number): void {
    const next = () => {
      if (this.#closed) return;
      this.#timer = setTimeout(() => {
        this.#round = this.completeSome()
          .catch((err: unknown) => this.#deps.logger.warn({ err }, 'could not complete pending orders'))
          .finally(next);
      }, intervalMs);
    };
    next();
  }

  /** Stops the rounds; resolves once the current one ended. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#round;
  }
}
