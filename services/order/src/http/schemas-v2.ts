import Type from 'typebox';
import type { NewOrder, Order } from '../domain/order.ts';
import { CustomerId, OrderLine, OrderLines, OrderStatus } from './schemas.ts';

/**
 * Version 2 (/v2/orders), the breaking changes: the customer is an object (room for more than
 * an id without breaking clients again), the version is part of the order, and a status
 * change is a PATCH of the order itself that must name the version it changes.
 */
const Customer = Type.Object({ id: CustomerId }, { additionalProperties: false });

export const NewOrderV2 = Type.Object(
  { customer: Customer, lines: OrderLines },
  { additionalProperties: false, $id: 'NewOrderV2' },
);

export const OrderV2 = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    customer: Type.Object({ id: Type.String() }),
    status: OrderStatus,
    lines: Type.Array(OrderLine),
    version: Type.Integer({ minimum: 1, description: 'counts status changes; the ETag is "v" + version' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'OrderV2' },
);

export const OrderPageV2 = Type.Object(
  {
    items: Type.Array(OrderV2),
    next: Type.Optional(Type.String({ description: 'cursor of the next page; absent on the last page' })),
  },
  { $id: 'OrderPageV2' },
);

/** A JSON merge patch (RFC 7396) of the order; the one change a client may make is cancelling it. */
export const OrderPatchV2 = Type.Object(
  { status: Type.Literal('cancelled', { description: 'the only status a client may set' }) },
  { additionalProperties: false, $id: 'OrderPatchV2' },
);

export function toV2(order: Order) {
  const { customerId, ...rest } = order;
  return { ...rest, customer: { id: customerId } };
}

export function fromV2(body: { customer: { id: string }; lines: NewOrder['lines'] }): NewOrder {
  return { customerId: body.customer.id, lines: body.lines };
}
