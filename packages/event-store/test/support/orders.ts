import type { OrderEventData } from '@commlab/contracts/events';
import { newOrderEvent, type OrderEventKind } from '../../src/orders/index.ts';

/** An order as the contract describes it, in the status the event kind leaves it in. */
export function orderData(orderId: string, customerId: string, status: OrderEventData['status'] = 'pending') {
  const data: OrderEventData = {
    orderId,
    customerId,
    status,
    lines: [
      { sku: 'SKU-RED', quantity: 1 + (orderId.length % 3) },
      { sku: 'SKU-BLUE', quantity: 2 },
    ],
    createdAt: '2026-01-01T10:00:00.000Z',
  };
  if (status === 'rejected') data.reason = { code: 'INSUFFICIENT_STOCK', detail: 'SKU-RED: 0 left' };
  return data;
}

const statusOf: Record<OrderEventKind, OrderEventData['status']> = {
  placed: 'pending',
  confirmed: 'confirmed',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

export const orderEvent = (kind: OrderEventKind, orderId: string, customerId: string) =>
  newOrderEvent(kind, orderData(orderId, customerId, statusOf[kind]));

/** A plausible life for the i-th order: placed, then confirmed or rejected, sometimes cancelled. */
export function lifeOf(i: number): OrderEventKind[] {
  switch (i % 4) {
    case 0:
      return ['placed', 'confirmed'];
    case 1:
      return ['placed', 'rejected'];
    case 2:
      return ['placed', 'confirmed', 'cancelled'];
    default:
      return ['placed'];
  }
}
