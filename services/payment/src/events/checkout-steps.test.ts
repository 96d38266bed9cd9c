import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { newEvent, PoisonEventError, processedEvents, type CloudEvent, type EventPublisher } from '@commlab/events';
import { sqliteDatabase } from '@commlab/sql';
import { PaymentLedger } from '../domain/payment-ledger.ts';
import { sqlPaymentStore } from '../store/sql-payments.ts';
import { checkoutStepHandler } from './checkout-steps.ts';

async function setup() {
  const db = sqliteDatabase(':memory:');
  const ledger = new PaymentLedger({ db, store: await sqlPaymentStore(db), limit: 5 });
  const published: CloudEvent[] = [];
  // A stand-in at our own seam; the broker path is proven by lab 08's saga tests.
  const publisher: EventPublisher = { publish: async (e) => void published.push(e), close: async () => {} };
  const handle = checkoutStepHandler({
    ledger,
    processed: await processedEvents(db),
    publisher,
    logger: pino({ level: 'silent' }),
  });
  return { ledger, published, handle };
}

const reserved = (orderId: string, quantity: number) =>
  newEvent({
    source: '/commlab/inventory',
    type: 'commlab.inventory.stock-reserved.v1',
    subject: orderId,
    data: { orderId, lines: [{ sku: 'A-1', quantity }] },
  });
const cancelled = (orderId: string) =>
  newEvent({
    source: '/commlab/order',
    type: 'commlab.order.cancelled.v1',
    subject: orderId,
    data: {
      orderId,
      customerId: 'c-1',
      status: 'cancelled',
      lines: [{ sku: 'A-1', quantity: 1 }],
      createdAt: '2025-01-01T00:00:00.000Z',
    },
  });

describe('payment in the choreographed checkout saga', () => {
  it('pays for reserved stock and answers payment.completed under one id per order', async () => {
    const { ledger, published, handle } = await setup();
    await handle(reserved('o-1', 5));
    expect(await ledger.get('o-1')).toMatchObject({ status: 'completed', amount: 5 });
    expect(published).toEqual([
      expect.objectContaining({
        id: 'payment-o-1',
        source: '/commlab/payment',
        type: 'commlab.payment.completed.v1',
        subject: 'o-1',
        data: { orderId: 'o-1', amount: 5 },
      }),
    ]);
  });

  it('declines above the limit with the reason, taking nothing', async () => {
    const { ledger, published, handle } = await setup();
    await handle(reserved('o-2', 6));
    expect(await ledger.get('o-2')).toMatchObject({ status: 'declined', code: 'LIMIT_EXCEEDED' });
    expect(published[0]).toMatchObject({
      type: 'commlab.payment.declined.v1',
      data: { orderId: 'o-2', amount: 6, code: 'LIMIT_EXCEEDED' },
    });
  });

  it('answers a redelivered stock-reserved with the same decision, paying once', async () => {
    const { ledger, published, handle } = await setup();
    const event = reserved('o-3', 1);
    await handle(event);
    await handle(event);
    await handle(reserved('o-3', 1)); // the same request under a new event id: still one payment
    expect(await ledger.list(10)).toHaveLength(1);
    expect(published.map((e) => e.id)).toEqual(['payment-o-3', 'payment-o-3', 'payment-o-3']);
  });

  it('refunds a payment taken when its order is cancelled, once', async () => {
    const { ledger, handle } = await setup();
    await handle(reserved('o-4', 2));
    const event = cancelled('o-4');
    await handle(event);
    await handle(event);
    expect(await ledger.get('o-4')).toMatchObject({ status: 'refunded', amount: 2 });
  });

  it('takes nothing for stock reserved after its order was cancelled (reordered messages)', async () => {
    const { ledger, published, handle } = await setup();
    await handle(cancelled('o-5'));
    await handle(reserved('o-5', 1));
    expect(await ledger.get('o-5')).toMatchObject({ status: 'voided' });
    expect(published).toEqual([]);
  });

  it('refuses a stock-reserved whose subject is another order as a poison event', async () => {
    const { ledger, handle } = await setup();
    await expect(handle({ ...reserved('o-6', 1), subject: 'o-7' })).rejects.toThrow(PoisonEventError);
    expect(await ledger.list(10)).toEqual([]);
  });
});
