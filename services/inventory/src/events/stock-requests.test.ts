import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { newEvent, PoisonEventError, processedEvents, type CloudEvent, type EventPublisher } from '@commlab/events';
import { sqliteDatabase } from '@commlab/sql';
import { StockLedger } from '../domain/ledger.ts';
import { sqlStockAnswers } from '../store/sql-answers.ts';
import { sqlStockStore } from '../store/sql-stock.ts';
import { stockRequestHandler } from './stock-requests.ts';

const catalogue = [{ sku: 'A-1', name: 'Alpha', onHand: 3 }];

async function setup() {
  const db = sqliteDatabase(':memory:');
  const inventory = new StockLedger(await sqlStockStore(db, catalogue));
  const published: CloudEvent[] = [];
  // A stand-in at our own seam; the broker path is proven by lab 02's tests.
  const publisher: EventPublisher = { publish: async (e) => void published.push(e), close: async () => {} };
  const handle = stockRequestHandler({
    ledger: inventory,
    answers: await sqlStockAnswers(db),
    processed: await processedEvents(db),
    publisher,
    logger: pino({ level: 'silent' }),
  });
  return { inventory, published, handle };
}

const order = (orderId: string, quantity: number, status = 'pending') => ({
  orderId,
  customerId: 'c-1',
  status,
  lines: [{ sku: 'A-1', quantity }],
  createdAt: '2025-01-01T00:00:00.000Z',
});
const placed = (data: object, subject: string) =>
  newEvent({ source: '/commlab/order', type: 'commlab.order.placed.v1', subject, data });
const cancelled = (data: object, subject: string) =>
  newEvent({ source: '/commlab/order', type: 'commlab.order.cancelled.v1', subject, data });

describe('inventory stock requests by event', () => {
  it('reserves a pending order and answers stock-reserved, its subject the order id', async () => {
    const { inventory, published, handle } = await setup();
    await handle(placed(order('o-1', 2), 'o-1'));
    expect((await inventory.stockLevels(['A-1']))[0]).toMatchObject({ available: 1, reserved: 2 });
    expect(published).toEqual([
      expect.objectContaining({
        source: '/commlab/inventory',
        type: 'commlab.inventory.stock-reserved.v1',
        subject: 'o-1',
        data: { orderId: 'o-1', lines: [{ sku: 'A-1', quantity: 2 }] },
      }),
    ]);
  });

  it('answers stock-rejected with the reason when the stock is short', async () => {
    const { published, handle } = await setup();
    await handle(placed(order('o-2', 4), 'o-2'));
    expect(published[0]).toMatchObject({
      type: 'commlab.inventory.stock-rejected.v1',
      data: { orderId: 'o-2', code: 'INSUFFICIENT_STOCK', subject: 'A-1' },
    });
  });

  it('answers a redelivered order.placed with the same event, even after the stock changed', async () => {
    const { inventory, published, handle } = await setup();
    await inventory.reserve('other', [{ sku: 'A-1', quantity: 3 }]);
    const event = placed(order('o-3', 1), 'o-3');
    await handle(event);
    await inventory.release('other');
    await handle(event);
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual(published[0]);
    expect(published[0]!.type).toBe('commlab.inventory.stock-rejected.v1');
    expect((await inventory.stockLevels(['A-1']))[0]!.reserved).toBe(0);
  });

  it('leaves an order placed confirmed (sync checkout) alone: its stock is held already', async () => {
    const { inventory, published, handle } = await setup();
    await handle(placed(order('o-4', 1, 'confirmed'), 'o-4'));
    expect(published).toEqual([]);
    expect((await inventory.stockLevels(['A-1']))[0]!.reserved).toBe(0);
  });

  it('releases the stock of a cancelled order, once', async () => {
    const { inventory, handle } = await setup();
    await handle(placed(order('o-5', 2), 'o-5'));
    const event = cancelled(order('o-5', 2, 'cancelled'), 'o-5');
    await handle(event);
    await handle(event);
    expect((await inventory.stockLevels(['A-1']))[0]).toMatchObject({ available: 3, reserved: 0 });
  });

  it.each([
    ['data without lines', { ...order('o-6', 1), lines: undefined }],
    ['a line with a quantity of zero', order('o-6', 0)],
    ['no customer', { ...order('o-6', 1), customerId: undefined }],
  ])('refuses an order.placed with %s as a poison event, reserving nothing', async (_label, data) => {
    const { inventory, published, handle } = await setup();
    await expect(handle(placed(data, 'o-6'))).rejects.toThrow(PoisonEventError);
    expect(published).toEqual([]);
    expect((await inventory.stockLevels(['A-1']))[0]!.reserved).toBe(0);
  });
});
