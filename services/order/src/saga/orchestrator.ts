import type { Logger } from '@commlab/kit';
import { OrderError } from '../domain/errors.ts';
import type { Order, OrderStatus } from '../domain/order.ts';
import type { OrderLifecycle } from '../domain/order-lifecycle.ts';
import type { OrderStore, StockReservations } from '../domain/ports.ts';
import type { PaymentClient } from '../payment/http-payment.ts';
import { finalStatuses, type Saga, type SagaStep, type StepResult } from './saga.ts';
import type { SagaStore } from './sql-sagas.ts';

export interface OrchestratorDeps {
  sagas: SagaStore;
  orders: Pick<OrderStore, 'get' | 'list'>;
  lifecycle: Pick<OrderLifecycle, 'stockRejected' | 'paymentCompleted' | 'paymentDeclined'>;
  stock: StockReservations;
  payment: PaymentClient;
  /** How long one call to inventory may take. */
  timeoutMs: number;
  logger: Logger;
  now?: () => Date;
}

/** Inventory's refusals that are its answer about this order, not its being unwell. */
const stockRefusals = new Set(['UNKNOWN_SKU', 'INSUFFICIENT_STOCK', 'INVALID_ORDER']);

/**
 * The checkout saga's orchestrator (CHECKOUT_MODE=orchestration): one saga per order, its state
 * in the saga table, driven step by step — reserve stock (inventory, gRPC), pay (payment, HTTP),
 * confirm the order — and, when payment declines or the order was cancelled meanwhile,
 * compensated in reverse: refund, release the stock, cancel the order.
 *
 * Every step is idempotent by the order id (inventory's reservation id, payment's key, the
 * order's status change from `pending` only), and the saga records a step's result after the
 * step: a crash in between repeats the step on restart, which changes nothing. A participant
 * that is down leaves the saga at its step; the sweep (start-up, then every SAGA_RETRY_MS)
 * drives it again, and begins a saga for an order whose own saga was never written (a crash
 * between storing the order and beginning its saga). No order stays pending for good.
 */
export class SagaOrchestrator {
  readonly #deps: OrchestratorDeps;
  readonly #now: () => Date;
  /** Sagas this process is driving now: one runner per saga. */
  readonly #driving = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #closed = false;

  constructor(deps: OrchestratorDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** A new pending order: its saga begins (once) and runs in the background. */
  async begin(order: Order): Promise<void> {
    const amount = order.lines.reduce((sum, line) => sum + line.quantity, 0);
    if (await this.#deps.sagas.begin(order, amount, this.#now().toISOString())) {
      this.#deps.logger.info({ orderId: order.id }, `saga ${order.id} begun`);
    }
    await this.drive(order.id);
  }

  /** Drives one saga until it is over or a participant cannot be reached. */
  async drive(id: string): Promise<void> {
    if (this.#driving.has(id) || this.#closed) return;
    this.#driving.add(id);
    try {
      for (;;) {
        const saga = await this.#deps.sagas.get(id);
        if (!saga || saga.step === 'done' || this.#closed) return;
        let result: StepResult;
        try {
          result = await this.#perform(saga);
        } catch (err) {
          // Down, too slow, an unclear outcome: the step stays to do, and is done again later.
          this.#deps.logger.warn(
            { err, orderId: id, step: saga.step },
            `saga ${id}: ${saga.step} failed, retried later`,
          );
          return;
        }
        await this.#deps.sagas.advance(saga, saga.step, result, this.#now().toISOString());
        const level = finalStatuses.includes(result.status) ? 'info' : 'debug';
        this.#deps.logger[level](
          { orderId: id, step: saga.step, outcome: result.outcome, status: result.status },
          `saga ${id}: ${saga.step} ${result.outcome} → ${result.next === 'done' ? result.status : result.next}`,
        );
      }
    } finally {
      this.#driving.delete(id);
    }
  }

  /** Resumes what is unfinished now, then every `intervalMs`. */
  start(intervalMs: number): void {
    const sweep = () => {
      this.#sweeping ??= this.sweep()
        .catch((err: unknown) => this.#deps.logger.warn({ err }, 'saga sweep failed'))
        .finally(() => (this.#sweeping = undefined));
    };
    sweep();
    this.#timer = setInterval(sweep, intervalMs);
    this.#timer.unref();
  }

  /** Begins the sagas of pending orders that have none, and drives every unfinished saga. */
  async sweep(): Promise<void> {
    let after: string | undefined;
    do {
      const page = await this.#deps.orders.list({ limit: 100, status: 'pending', ...(after && { after }) });
      for (const order of page.items) {
        if (!(await this.#deps.sagas.has(order.id))) await this.begin(order);
      }
      after = page.next;
    } while (after && !this.#closed);
    for (const saga of await this.#deps.sagas.unfinished()) await this.drive(saga.id);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#sweeping;
  }

  async #perform(saga: Saga): Promise<StepResult> {
    const { stock, payment, lifecycle } = this.#deps;
    const deadline = () => new Date(this.#now().getTime() + this.#deps.timeoutMs);
    const step: SagaStep = saga.step;
    switch (step) {
      case 'reserve': {
        const cancelled = await this.#cancelledMeanwhile(saga.orderId);
        if (cancelled) return { next: 'release', status: 'compensating', outcome: cancelled };
        try {
          await stock.reserve(saga.orderId, saga.lines, deadline());
        } catch (err) {
          if (err instanceof OrderError && stockRefusals.has(err.reason)) {
            return { next: 'reject', status: 'running', outcome: `refused ${err.reason}`, reason: refusal(err) };
          }
          throw err;
        }
        return { next: 'pay', status: 'running', outcome: 'reserved' };
      }
      case 'pay': {
        const cancelled = await this.#cancelledMeanwhile(saga.orderId);
        if (cancelled) return { next: 'refund', status: 'compensating', outcome: cancelled };
        const paid = await payment.pay(saga.orderId, saga.amount);
        if (paid.status === 'completed') return { next: 'confirm', status: 'running', outcome: `paid ${paid.amount}` };
        if (paid.status === 'declined') {
          const code = paid.code ?? 'PAYMENT_DECLINED';
          const reason = { code, detail: paid.detail ?? 'payment declined' };
          return { next: 'release', status: 'compensating', outcome: `declined ${code}`, reason };
        }
        // Refunded or voided: the order was cancelled through another door; undo the rest.
        return { next: 'refund', status: 'compensating', outcome: `payment ${paid.status}` };
      }
      case 'confirm': {
        const result = await lifecycle.paymentCompleted(saga.orderId);
        const status = 'order' in result ? result.order.status : undefined;
        if (status === 'confirmed') return { next: 'done', status: 'completed', outcome: 'order confirmed' };
        return { next: 'refund', status: 'compensating', outcome: `order is ${status ?? result.outcome}` };
      }
      case 'refund': {
        const refunded = await payment.cancel(saga.orderId);
        return { next: 'release', status: 'compensating', outcome: `payment ${refunded.status}` };
      }
      case 'release':
        await stock.release(saga.orderId, deadline());
        return { next: 'cancel', status: 'compensating', outcome: 'released' };
      case 'cancel': {
        const reason = saga.reason ?? { code: 'CANCELLED', detail: 'the order was cancelled during its checkout' };
        const result = await lifecycle.paymentDeclined(saga.orderId, reason);
        const status = 'order' in result ? result.order.status : result.outcome;
        return { next: 'done', status: 'compensated', outcome: `order ${status}` };
      }
      case 'reject': {
        const reason = saga.reason ?? { code: 'REJECTED', detail: 'inventory refused the stock' };
        const result = await lifecycle.stockRejected(saga.orderId, reason);
        const status = 'order' in result ? result.order.status : result.outcome;
        return { next: 'done', status: 'rejected', outcome: `order ${status}` };
      }
      case 'done':
        throw new Error(`saga ${saga.id} is over`);
    }
  }

  /** Whether the order left `pending` by another door (its customer cancelled it): then the saga undoes what it did. */
  async #cancelledMeanwhile(orderId: string): Promise<string | undefined> {
    const order = await this.#deps.orders.get(orderId);
    const status: OrderStatus | undefined = order?.status;
    if (status === 'pending') return undefined;
    return status ? `order is ${status}` : 'order is missing';
  }
}

function refusal(err: OrderError): { code: string; detail: string } {
  return { code: err.reason, detail: err.message };
}
