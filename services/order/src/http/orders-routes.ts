import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Orders } from '../domain/orders.ts';
import { ListQuery, NewOrder, Order, OrderPage, OrderParams, problemResponses } from './schemas.ts';

const problems = problemResponses;

/** Handlers translate HTTP to the Orders use cases and back; nothing else. */
export const ordersRoutes: FastifyPluginAsyncTypebox<{ orders: Orders }> = async (app, { orders }) => {
  app.post(
    '/orders',
    {
      schema: {
        summary: 'Place an order (reserves its stock in inventory)',
        description: 'Sync checkout answers 201 confirmed; async checkout 202 pending, and the order changes later.',
        tags: ['orders'],
        body: NewOrder,
        response: { 201: Order, 202: Order, ...problems },
      },
    },
    async (request, reply) => {
      const order = await orders.place(request.body);
      return reply
        .code(order.status === 'pending' ? 202 : 201)
        .header('location', `/orders/${order.id}`)
        .send(order);
    },
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        summary: 'Read one order',
        tags: ['orders'],
        params: OrderParams,
        response: { 200: Order, 404: problems[404] },
      },
    },
    async (request) => orders.get(request.params.id),
  );

  app.get(
    '/orders',
    {
      schema: {
        summary: 'List orders, oldest first, one page at a time',
        tags: ['orders'],
        querystring: ListQuery,
        response: { 200: OrderPage, 400: problems[400] },
      },
    },
    async (request, reply) => {
      const { limit, cursor } = request.query;
      const page = await orders.list({ limit, after: cursor });
      if (page.next) reply.header('link', `</orders?limit=${limit}&cursor=${page.next}>; rel="next"`);
      return page;
    },
  );
};
