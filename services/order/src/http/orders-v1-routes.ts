import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Orders } from '../domain/orders.ts';
import { idempotencyKeyOf, pageLinks, placedReply, readReply } from './order-replies.ts';
import { NewOrder, Order, OrderPage } from './schemas-v1.ts';
import {
  alsoWith,
  headers,
  ListQuery,
  notModified,
  ok,
  OrderParams,
  PlaceHeaders,
  problemResponses as problems,
  ReadHeaders,
  v1Headers,
} from './schemas.ts';

/** Version 1 of the orders resource. Handlers translate HTTP to the Orders use cases and back; nothing else. */
export const ordersRoutes: FastifyPluginAsyncTypebox<{ orders: Orders }> = async (app, { orders }) => {
  const placed = { location: headers.location, etag: headers.etag, 'idempotent-replayed': headers.idempotentReplayed };
  app.post(
    '/orders',
    {
      schema: {
        summary: 'Place an order (reserves its stock in inventory)',
        description:
          'Sync checkout answers 201 confirmed; async checkout 202 pending, and the order changes later. ' +
          'With an Idempotency-Key, a retry gets the first answer again and creates nothing.',
        tags: ['orders v1 (deprecated)'],
        deprecated: true,
        headers: PlaceHeaders,
        body: NewOrder,
        response: alsoWith(v1Headers, {
          201: ok(Order, 'placed and confirmed', placed),
          202: ok(Order, 'accepted, pending (async checkout)', placed),
          ...problems,
        }),
      },
    },
    async (request, reply) => {
      const result = await orders.place(request.body, { idempotencyKey: idempotencyKeyOf(request) });
      return placedReply(reply, result, `/orders/${result.order.id}`, result.order);
    },
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        summary: 'Read one order (conditional: If-None-Match)',
        tags: ['orders v1 (deprecated)'],
        deprecated: true,
        params: OrderParams,
        headers: ReadHeaders,
        response: alsoWith(v1Headers, {
          200: ok(Order, 'the order', { etag: headers.etag }),
          304: notModified,
          400: problems[400],
          404: problems[404],
          429: problems[429],
        }),
      },
    },
    async (request, reply) => {
      const order = await orders.get(request.params.id);
      return readReply(request, reply, order, order);
    },
  );

  app.get(
    '/orders',
    {
      schema: {
        summary: 'List orders, oldest first, one page at a time; filter by status and customer',
        tags: ['orders v1 (deprecated)'],
        deprecated: true,
        querystring: ListQuery,
        response: alsoWith(v1Headers, { 200: ok(OrderPage, 'one page'), 400: problems[400], 429: problems[429] }),
      },
    },
    async (request, reply) => {
      const { cursor, ...filters } = request.query;
      const page = await orders.list({ ...filters, after: cursor });
      reply.header('link', pageLinks('/orders', request.query, page.next));
      return page;
    },
  );
};
