import Type from 'typebox';
import { CustomerId, OrderLine, OrderLines, OrderStatus } from './schemas.ts';

/** Version 1 (the unversioned /orders routes): a flat customerId; the version only in ETag. */
export const NewOrder = Type.Object(
  { customerId: CustomerId, lines: OrderLines },
  { additionalProperties: false, $id: 'NewOrder' },
);

export const Order = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    customerId: Type.String(),
    status: OrderStatus,
    lines: Type.Array(OrderLine),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Order' },
);

export const OrderPage = Type.Object(
  {
    items: Type.Array(Order),
    next: Type.Optional(Type.String({ description: 'cursor of the next page; absent on the last page' })),
  },
  { $id: 'OrderPage' },
);
