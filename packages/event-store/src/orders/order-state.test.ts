import type { OrderEventData } from '@commlab/contracts/events';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../events.ts';
import { orderAggregate } from './order-state.ts';

const order: OrderEventData = {
  orderId: 'o-1',
  customerId: 'c-1',
  status: 'pending',
  lines: [{ sku: 'SKU-1', quantity: 2 }],
  createdAt: '2026-01-01T00:00:00.000Z',
};
const recorded = (version: number, type: string, data: unknown, at: string): RecordedEvent => ({
  position: version,
  streamId: 'order-o-1',
  version,
  id: `id-${version}`,
  type,
  data,
  metadata: {},
  recordedAt: at,
});

describe('orderAggregate', () => {
  it('folds an order’s events into the order as it stands and the steps that led there', () => {
    const events = [
      recorded(1, 'commlab.order.placed.v1', order, '2026-01-01T00:00:01.000Z'),
      recorded(2, 'commlab.order.confirmed.v1', { ...order, status: 'confirmed' }, '2026-01-01T00:00:02.000Z'),
      recorded(3, 'commlab.order.cancelled.v1', { ...order, status: 'cancelled' }, '2026-01-01T00:00:03.000Z'),
    ];
    const state = events.reduce(orderAggregate.evolve, orderAggregate.initial);
    expect(state).toEqual({
      exists: true,
      order: { ...order, status: 'cancelled' },
      placedAt: '2026-01-01T00:00:01.000Z',
      updatedAt: '2026-01-01T00:00:03.000Z',
      steps: [
        { event: 'placed', status: 'pending', at: '2026-01-01T00:00:01.000Z', version: 1 },
        { event: 'confirmed', status: 'confirmed', at: '2026-01-01T00:00:02.000Z', version: 2 },
        { event: 'cancelled', status: 'cancelled', at: '2026-01-01T00:00:03.000Z', version: 3 },
      ],
    });
  });

  it('refuses to fold an event that is not an order event, naming stream and version', () => {
    expect(() =>
      orderAggregate.evolve(orderAggregate.initial, recorded(4, 'test.noted.v1', {}, '2026-01-01T00:00:00.000Z')),
    ).toThrow('order stream order-o-1 holds test.noted.v1 at version 4: not an order event');
  });
});
