import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sqliteDatabase } from '@commlab/sql';
import { OrderError } from '../domain/errors.ts';
import { OrderLifecycle } from '../domain/order-lifecycle.ts';
import type { Order, OrderLine } from '../domain/order.ts';
import type { StockReservations } from '../domain/ports.ts';
import { PaymentUnavailable, type Payment, type PaymentClient } from '../payment/http-payment.ts';
import { sqliteOrderStore } from '../store/sqlite.ts';
import { SagaOrchestrator } from './orchestrator.ts';
import { sqlSagaStore } from './sql-sagas.ts';

/**
 * Stand-ins at our own seams (the stock and payment ports) that record each call and can be
 * told to be down; the broker-free, process-killing proof is lab 08's saga.test.ts.
 */
async function setup() {
  const orders = sqliteOrderStore(':memory:');
  const sagas = await sqlSagaStore(sqliteDatabase(':memory:'));
  const calls: string[] = [];
  const held = new Map<string, boolean>();
  const state = { paymentDown: false, limit: 5 };
  const stock: StockReservations = {
    reserve: async (id: string, lines: readonly OrderLine[]) => {
      calls.push(`reserve ${id}`);
      if (lines.some((line) => line.sku === 'NONE')) throw new OrderError('INSUFFICIENT_STOCK', 'not enough NONE');
      held.set(id, true);
    },
    release: async (id: string) => {
      calls.push(`release ${id}`);
      held.set(id, false);
    },
  };
  const payments = new Map<string, Payment>();
  const payment: PaymentClient = {
    pay: async (orderId, amount) => {
      calls.push(`pay ${orderId}`);
      if (state.paymentDown) throw new PaymentUnavailable('payment is down');
      const decided: Payment = { orderId, amount, status: amount > state.limit ? 'declined' : 'completed' };
      if (!payments.has(orderId)) payments.set(orderId, decided);
      return payments.get(orderId)!;
    },
    cancel: async (orderId) => {
      calls.push(`refund ${orderId}`);
      const paid = payments.get(orderId);
      const next: Payment =
        paid?.status === 'completed' ? { ...paid, status: 'refunded' } : { orderId, amount: 0, status: 'voided' };
      payments.set(orderId, paid && paid.status !== 'completed' ? paid : next);
      return payments.get(orderId)!;
    },
  };
  const lifecycle = new OrderLifecycle({ store: orders });
  const orchestrator = new SagaOrchestrator({
    sagas,
    orders,
    lifecycle,
    stock,
    payment,
    timeoutMs: 1000,
    logger: pino({ level: 'silent' }),
  });
  let n = 0;
  const place = async (quantity: number, sku = 'A-1'): Promise<Order> => {
    const order: Order = {
      id: `o-${++n}`,
      customerId: 'c-1',
      status: 'pending',
      lines: [{ sku, quantity }],
      createdAt: '2025-01-01T00:00:00.000Z',
      version: 1,
    };
    await orders.insert(order);
    return order;
  };
  return { orders, sagas, calls, held, state, payments, orchestrator, place, lifecycle };
}

describe('the checkout saga orchestrator', () => {
  it('reserves, pays and confirms', async () => {
    const { orders, sagas, orchestrator, place, calls } = await setup();
    const order = await place(2);
    await orchestrator.begin(order);
    expect((await orders.get(order.id))!.status).toBe('confirmed');
    expect(await sagas.get(order.id)).toMatchObject({ step: 'done', status: 'completed' });
    expect(calls).toEqual(['reserve o-1', 'pay o-1']);
  });

  it('compensates a declined payment in reverse: release the stock, then cancel the order', async () => {
    const { orders, sagas, orchestrator, place, held, calls } = await setup();
    const order = await place(6);
    await orchestrator.begin(order);
    expect((await orders.get(order.id))!.status).toBe('cancelled');
    const saga = (await sagas.get(order.id))!;
    expect(saga).toMatchObject({ status: 'compensated', reason: { code: 'PAYMENT_DECLINED' } });
    expect(saga.history.map((entry) => entry.step)).toEqual(['reserve', 'pay', 'release', 'cancel']);
    expect(calls).toEqual(['reserve o-1', 'pay o-1', 'release o-1']);
    expect(held.get(order.id)).toBe(false);
  });

  it('rejects an order whose stock is refused, with nothing to undo', async () => {
    const { orders, sagas, orchestrator, place, calls } = await setup();
    const order = await place(1, 'NONE');
    await orchestrator.begin(order);
    expect((await orders.get(order.id))!.status).toBe('rejected');
    expect(await sagas.get(order.id)).toMatchObject({ status: 'rejected', reason: { code: 'INSUFFICIENT_STOCK' } });
    expect(calls).toEqual(['reserve o-1']);
  });

  it('leaves a saga at its step while payment is down, and the sweep finishes it later', async () => {
    const { orders, sagas, orchestrator, place, state } = await setup();
    const order = await place(1);
    state.paymentDown = true;
    await orchestrator.begin(order);
    expect(await sagas.get(order.id)).toMatchObject({ step: 'pay', status: 'running' });
    expect((await orders.get(order.id))!.status).toBe('pending');
    state.paymentDown = false;
    await orchestrator.sweep();
    expect((await orders.get(order.id))!.status).toBe('confirmed');
  });

  it('begins the saga of a pending order that has none (a crash between storing it and beginning its saga)', async () => {
    const { orders, sagas, orchestrator, place } = await setup();
    const order = await place(1);
    expect(await sagas.get(order.id)).toBeUndefined();
    await orchestrator.sweep();
    expect((await orders.get(order.id))!.status).toBe('confirmed');
    expect(await sagas.get(order.id)).toMatchObject({ status: 'completed' });
  });

  it('refunds, releases and keeps the order cancelled when its customer cancelled it mid-saga', async () => {
    const { orders, sagas, orchestrator, place, state, payments, lifecycle, held } = await setup();
    const order = await place(1);
    state.paymentDown = true;
    await orchestrator.begin(order); // reserved, then stuck at pay
    await lifecycle.cancel(order.id);
    state.paymentDown = false;
    await orchestrator.sweep();
    expect((await orders.get(order.id))!.status).toBe('cancelled');
    const saga = (await sagas.get(order.id))!;
    expect(saga.status).toBe('compensated');
    expect(saga.history.map((entry) => entry.step)).toEqual(['reserve', 'pay', 'refund', 'release', 'cancel']);
    expect(payments.get(order.id)!.status).toBe('voided');
    expect(held.get(order.id)).toBe(false);
  });

  it('repeats nothing once a saga is over, however often it is driven', async () => {
    const { orchestrator, place, calls } = await setup();
    const order = await place(1);
    await orchestrator.begin(order);
    await orchestrator.begin(order);
    await orchestrator.sweep();
    expect(calls).toEqual(['reserve o-1', 'pay o-1']);
  });
});
