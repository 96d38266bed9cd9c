import type { OrderStatus } from './order.ts';

/**
 * The order state machine: which status may follow which. Anything not listed is an illegal
 * transition; rejected and cancelled are final.
 */
const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['confirmed', 'rejected', 'cancelled'],
  confirmed: ['cancelled'],
  rejected: [],
  cancelled: [],
};

/** The statuses an order may be in for it to become `to`. */
export function statusesLeadingTo(to: OrderStatus): OrderStatus[] {
  return (Object.keys(transitions) as OrderStatus[]).filter((from) => transitions[from].includes(to));
}
