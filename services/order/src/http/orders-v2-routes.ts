import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrderLifecycle } from '../domain/order-lifecycle.ts';
import type { Orders } from '../domain/orders.ts';
import { etagOf } from './conditional.ts';
import { idempotencyKeyOf, ifMatch, pageLinks, placedReply, readReply } from './order-replies.ts';
import { fromV2, NewOrderV2, OrderPageV2, OrderPatchV2, OrderV2, toV2 } from './schemas-v2.ts';
import { ChangeHeaders, ListQuery, OrderParams, PlaceHeaders, ReadHeaders } from './schemas.ts';
import { headers, notModified, ok, problems } from './schemas.ts';

const tags = ['orders v2'];

/**
 * Version 2 of the orders resource, beside v1 on the same use cases: the representation
 * differs (schemas-v2.ts), and a status change is a conditional PATCH of the order.
 */
export const ordersV2Routes: FastifyPluginAsyncTypebox<{ orders: Orders; lifecycle: OrderLifecycle }> = async (
  app,
  { orders, lifecycle },
) => {
  // RFC 7396: a merge patch names its own media type; plain JSON is accepted as well.
  app.addContentTypeParser(
    'application/merge-patch+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  const placed = { location: headers.location, etag: headers.etag, 'idempotent-replayed': headers.idempotentReplayed };

  app.post(
    '/v2/orders',
    {
      schema: {
        summary: 'Place an order; with an Idempotency-Key, a retry gets the first answer again',
        tags,
        headers: PlaceHeaders,
        body: NewOrderV2,
        response: {
          201: ok(OrderV2, 'placed and confirmed', placed),
          202: ok(OrderV2, 'accepted, pending (async checkout, or the pending fallback)', placed),
          ...problems(),
        },
      },
    },
    async (request, reply) => {
      const result = await orders.place(fromV2(request.body), { idempotencyKey: idempotencyKeyOf(request) });
      return placedReply(reply, result, `/v2/orders/${result.order.id}`, toV2(result.order));
    },
  );

  app.get(
    '/v2/orders/:id',
    {
      schema: {
        summary: 'Read one order (conditional: If-None-Match)',
        tags,
        params: OrderParams,
        headers: ReadHeaders,
        response: {
          200: ok(OrderV2, 'the order', { etag: headers.etag }),
          304: notModified,
          ...problems(400, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const order = await orders.get(request.params.id);
      return readReply(request, reply, order, toV2(order));
    },
  );

  app.get(
    '/v2/orders',
    {
      schema: {
        summary: 'List orders, oldest first, one page at a time; filter by status and customer',
        tags,
        querystring: ListQuery,
        response: { 200: ok(OrderPageV2, 'one page', { link: headers.link }), ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      const { cursor, ...filters } = request.query;
      const page = await orders.list({ ...filters, after: cursor });
      reply.header('link', pageLinks('/v2/orders', request.query, page.next));
      return { ...page, items: page.items.map(toV2) };
    },
  );

  app.patch(
    '/v2/orders/:id',
    {
      schema: {
        summary: 'Cancel an order: {"status":"cancelled"}, with If-Match (required)',
        description: 'A JSON merge patch (application/merge-patch+json). Repeating it answers the same.',
        tags,
        params: OrderParams,
        headers: ChangeHeaders,
        body: OrderPatchV2,
        response: {
          200: ok(OrderV2, 'cancelled', { etag: headers.etag }),
          ...problems(400, 404, 409, 412, 415, 428, 429, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const order = await lifecycle.cancel(request.params.id, { ifVersion: ifMatch(request, { required: true }) });
      reply.header('etag', etagOf(order));
      return toV2(order);
    },
  );
};
