import type { Database, Sql } from '@commlab/sql';
import type { PaymentStore } from '../store/sql-payments.ts';
import { decide, type Payment } from './payments.ts';

/**
 * The payment step's two operations, each idempotent by order id (= the saga's id): paying
 * decides once and answers that decision to every repeat; cancelling refunds a completed
 * payment once, and leaves a `voided` mark for an order not paid yet, so a payment request that
 * arrives after the cancellation (a reordered message) takes nothing.
 */
export class PaymentLedger {
  readonly #db: Database;
  readonly #store: PaymentStore;
  readonly #limit: number;
  readonly #now: () => Date;

  constructor({
    db,
    store,
    limit,
    now = () => new Date(),
  }: {
    db: Database;
    store: PaymentStore;
    limit: number;
    now?: () => Date;
  }) {
    this.#db = db;
    this.#store = store;
    this.#limit = limit;
    this.#now = now;
  }

  get(orderId: string): Promise<Payment | undefined> {
    return this.#store.get(orderId);
  }

  list(limit: number): Promise<Payment[]> {
    return this.#store.list(limit);
  }

  pay(orderId: string, amount: number): Promise<Payment> {
    return this.#db.transaction((tx) => this.payWithin(tx, orderId, amount));
  }

  cancel(orderId: string): Promise<Payment> {
    return this.#db.transaction((tx) => this.cancelWithin(tx, orderId));
  }

  /** Pays in `sql` (a transaction the caller commits with more, e.g. the processed event). */
  async payWithin(sql: Sql, orderId: string, amount: number): Promise<Payment> {
    const earlier = await this.#store.get(orderId, sql);
    if (earlier) return earlier;
    return this.#store.keep(sql, decide(orderId, amount, this.#limit, this.#now()));
  }

  async cancelWithin(sql: Sql, orderId: string): Promise<Payment> {
    const at = this.#now().toISOString();
    const kept = await this.#store.keep(sql, { orderId, amount: 0, status: 'voided', updatedAt: at });
    // A payment committed first (its row won the insert): give it back.
    if (kept.status === 'completed') await this.#store.move(sql, orderId, ['completed'], 'refunded', at);
    return (await this.#store.get(orderId, sql))!;
  }
}
