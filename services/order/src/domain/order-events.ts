import { eventSources, orderEventTypes, type OrderEventData } from '@commlab/contracts/events';
import { newEvent, type CloudEvent } from '@commlab/events';
import type { Order } from './order.ts';

export type OrderEventKind = keyof typeof orderEventTypes;

/** The event announcing an order change; subject = order id (Kafka key, per-order ordering). */
export function orderEvent(
  kind: OrderEventKind,
  order: Order,
  reason?: OrderEventData['reason'],
): CloudEvent<OrderEventData> {
  return newEvent({
    source: eventSources.order,
    type: orderEventTypes[kind],
    subject: order.id,
    data: {
      orderId: order.id,
      customerId: order.customerId,
      status: order.status,
      lines: order.lines,
      createdAt: order.createdAt,
      ...(reason && { reason }),
    },
  });
}
