import { orderEventTypes, type OrderEventData } from '@commlab/contracts/events';
import { describe, expect, it } from 'vitest';
import { InvalidAppendError } from '../errors.ts';
import type { RecordedEvent } from '../events.ts';
import { isOrderEvent, newOrderEvent, orderStreamId } from './order-events.ts';

const order: OrderEventData = {
  orderId: 'o-1',
  customerId: 'c-1',
  status: 'pending',
  lines: [{ sku: 'SKU-1', quantity: 2 }],
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('order events', () => {
  it('builds an event with the contract type for its kind and the data as given', () => {
    expect(newOrderEvent('placed', order)).toEqual({ type: orderEventTypes.placed, data: order });
    expect(newOrderEvent('confirmed', { ...order, status: 'confirmed' }, { metadata: { traceparent: 't' } })).toEqual({
      type: 'commlab.order.confirmed.v1',
      data: { ...order, status: 'confirmed' },
      metadata: { traceparent: 't' },
    });
  });

  it('refuses data that breaks the contract, naming where', () => {
    const broken = { ...order, lines: [{ sku: 'SKU-1', quantity: 0 }] };
    expect(() => newOrderEvent('placed', broken)).toThrow(InvalidAppendError);
    expect(() => newOrderEvent('placed', broken)).toThrow(
      /commlab\.order\.placed\.v1 data breaks the contract: \/lines\/0\/quantity/,
    );
  });

  it('refuses an event whose status is not the one its kind leaves the order in', () => {
    expect(() => newOrderEvent('cancelled', order)).toThrow(
      'commlab.order.cancelled.v1 data/status must be cancelled, got pending',
    );
  });

  it('keeps one stream per order and tells order events from others', () => {
    expect(orderStreamId('o-1')).toBe('order-o-1');
    const recorded = (type: string) => ({ type }) as RecordedEvent;
    expect(isOrderEvent(recorded('commlab.order.rejected.v1'))).toBe(true);
    expect(isOrderEvent(recorded('commlab.inventory.stock-reserved.v1'))).toBe(false);
  });
});
