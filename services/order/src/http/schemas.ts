import Type from 'typebox';

/** The REST contract. These schemas validate requests, serialize responses and feed /openapi.json. */
export const OrderLine = Type.Object(
  {
    sku: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{0,31}$', description: 'catalogue SKU, e.g. KB-001' }),
    quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

export const NewOrder = Type.Object(
  {
    customerId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' }),
    lines: Type.Array(OrderLine, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false, $id: 'NewOrder' },
);

export const Order = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    customerId: Type.String(),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('confirmed'),
      Type.Literal('rejected'),
      Type.Literal('cancelled'),
    ]),
    lines: Type.Array(OrderLine),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Order' },
);

export const OrderPage = Type.Object({
  items: Type.Array(Order),
  next: Type.Optional(Type.String({ description: 'cursor of the next page; absent on the last page' })),
});

export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const OrderParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem' },
);

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

export const problemResponses = {
  400: problemResponse('malformed JSON, wrong types, unknown or missing fields, bad cursor'),
  404: problemResponse('no such order'),
  409: problemResponse('insufficient stock; or an order that cannot be cancelled'),
  413: problemResponse('body larger than the limit'),
  415: problemResponse('body is not application/json'),
  422: problemResponse('unknown SKU'),
  503: problemResponse('inventory unreachable; see Retry-After'),
  504: problemResponse('inventory did not answer within the deadline'),
};
