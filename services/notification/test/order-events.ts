import { orderEventTypes } from '@commlab/contracts/events';
import { newEvent, type CloudEvent } from '@commlab/events';

type Status = 'pending' | 'confirmed' | 'rejected' | 'cancelled';
const typeOf = {
  pending: orderEventTypes.placed,
  confirmed: orderEventTypes.confirmed,
  rejected: orderEventTypes.rejected,
  cancelled: orderEventTypes.cancelled,
};

/** An order event as the order service publishes it (its data as the contract defines it). */
export function orderEvent(customerId: string, orderId: string, status: Status = 'pending'): CloudEvent {
  return newEvent({
    source: '/commlab/order',
    type: typeOf[status],
    subject: orderId,
    data: {
      orderId,
      customerId,
      status,
      lines: [{ sku: 'KB-001', quantity: 1 }],
      createdAt: '2025-01-01T00:00:00.000Z',
    },
  });
}
