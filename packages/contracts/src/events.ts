import Type, { type Static } from 'typebox';

/**
 * The event contracts between services, as the .proto files are for gRPC: each event's
 * CloudEvents `type` (versioned: a breaking change is a new type, never an edit) and the
 * schema of its `data`. Producers build from these; consumers check against them.
 */
export const eventSources = {
  order: '/commlab/order',
  inventory: '/commlab/inventory',
  payment: '/commlab/payment',
} as const;

export const orderEventTypes = {
  placed: 'commlab.order.placed.v1',
  confirmed: 'commlab.order.confirmed.v1',
  rejected: 'commlab.order.rejected.v1',
  cancelled: 'commlab.order.cancelled.v1',
} as const;

export const inventoryEventTypes = {
  stockReserved: 'commlab.inventory.stock-reserved.v1',
  stockRejected: 'commlab.inventory.stock-rejected.v1',
} as const;

/** The payment step of lab 08's choreographed checkout saga: payment's answer to stock-reserved. */
export const paymentEventTypes = {
  completed: 'commlab.payment.completed.v1',
  declined: 'commlab.payment.declined.v1',
} as const;

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Line = Type.Object({
  sku: Type.String({ minLength: 1, maxLength: 32 }),
  quantity: Type.Integer({ minimum: 1 }),
});
const Lines = Type.Array(Line, { minItems: 1, maxItems: 100 });

/**
 * The data of every order event: the order as it stands after the change, so a consumer needs
 * no call back to the order service. An order placed `pending` awaits its stock (async
 * checkout); one placed `confirmed` already holds it (sync checkout).
 */
export const OrderEventData = Type.Object({
  orderId: Id,
  customerId: Id,
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('confirmed'),
    Type.Literal('rejected'),
    Type.Literal('cancelled'),
  ]),
  lines: Lines,
  createdAt: Type.String({ minLength: 1 }),
  /** On order.rejected: why the stock could not be reserved; on order.cancelled by the saga: why payment failed. */
  reason: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
});
export type OrderEventData = Static<typeof OrderEventData>;

/** Inventory holds the order's stock (reservation id = order id). */
export const StockReservedData = Type.Object({ orderId: Id, lines: Lines });
export type StockReservedData = Static<typeof StockReservedData>;

/** Inventory refused the order's stock; `code` is inventory's reason, e.g. INSUFFICIENT_STOCK or UNKNOWN_SKU. */
export const StockRejectedData = Type.Object({
  orderId: Id,
  code: Type.String({ minLength: 1 }),
  detail: Type.String(),
  subject: Type.Optional(Type.String()),
});
export type StockRejectedData = Static<typeof StockRejectedData>;

/**
 * Payment took (`completed`) or refused (`declined`, with `code` and `detail`) the order's
 * payment; `amount` is what was asked for (lab 08's payment counts one unit per item).
 */
export const PaymentData = Type.Object({
  orderId: Id,
  amount: Type.Integer({ minimum: 1 }),
  code: Type.Optional(Type.String({ minLength: 1 })),
  detail: Type.Optional(Type.String()),
});
export type PaymentData = Static<typeof PaymentData>;
