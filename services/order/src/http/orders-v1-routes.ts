import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrderLifecycle } from '../domain/order-lifecycle.ts';
import type { Orders } from '../domain/orders.ts';
import { etagOf } from './conditional.ts';
import { idempotencyKeyOf, ifMatch, pageLinks, placedReply, readReply } from './order-replies.ts';
import { NewOrder, Order, OrderPage } from './schemas-v1.ts';
import { ChangeHeaders, ListQuery, OrderParams, PlaceHeaders, ReadHeaders } from './schemas.ts';
import { alsoWith, headers, notModified, ok, problems, v1Headers } from './schemas.ts';

const tags = ['orders v1 (deprecated)'];

/**
 * Versioning by URL: /v2/orders is the current version; the unversioned /orders routes are
 * version 1, still served, deprecated, and going away. Every v1 response says so in headers
 * a client (or its HTTP library, or a gateway's log) can act on, and names its successor.
 */
const v1Lifetime = {
  /** RFC 9745 `Deprecation`: since when (a structured-field date, Unix seconds). */
  deprecatedSince: new Date('2026-11-01T00:00:00Z'),
  /** RFC 8594 `Sunset`: after this, v1 may stop answering. */
  sunset: new Date('2027-06-30T00:00:00Z'),
};

/** The v2 address of what a v1 request asked for. */
function successorOf(request: FastifyRequest): string {
  const id = (request.params as { id?: string } | undefined)?.id;
  return id === undefined ? '/v2/orders' : `/v2/orders/${encodeURIComponent(id)}`;
}

/** Adds Deprecation, Sunset and a successor-version link to every response of the routes in `scope`. */
function markDeprecated(scope: FastifyInstance): void {
  const deprecation = `@${v1Lifetime.deprecatedSince.getTime() / 1000}`;
  const sunset = v1Lifetime.sunset.toUTCString();
  scope.addHook('onSend', async (request, reply) => {
    const successor = `<${successorOf(request)}>; rel="successor-version"`;
    const link = reply.getHeader('link');
    reply
      .header('deprecation', deprecation)
      .header('sunset', sunset)
      .header('link', link ? `${String(link)}, ${successor}` : successor);
  });
}

/**
 * Version 1 of the orders resource (the unversioned /orders routes), deprecated: every
 * response carries the deprecation headers, and every route documents them. Handlers
 * translate HTTP to the use cases and back; nothing else.
 */
export const ordersV1Routes: FastifyPluginAsyncTypebox<{ orders: Orders; lifecycle: OrderLifecycle }> = async (
  app,
  { orders, lifecycle },
) => {
  markDeprecated(app);
  const placed = { location: headers.location, etag: headers.etag, 'idempotent-replayed': headers.idempotentReplayed };
  app.post(
    '/orders',
    {
      schema: {
        summary: 'Place an order (reserves its stock in inventory)',
        description:
          'Sync checkout answers 201 confirmed; async checkout 202 pending, and the order changes later. ' +
          'With an Idempotency-Key, a retry gets the first answer again and creates nothing.',
        tags,
        deprecated: true,
        headers: PlaceHeaders,
        body: NewOrder,
        response: alsoWith(v1Headers, {
          201: ok(Order, 'placed and confirmed', placed),
          202: ok(Order, 'accepted, pending (async checkout, or the pending fallback)', placed),
          ...problems(),
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
        tags,
        deprecated: true,
        params: OrderParams,
        headers: ReadHeaders,
        response: alsoWith(v1Headers, {
          200: ok(Order, 'the order', { etag: headers.etag }),
          304: notModified,
          ...problems(400, 404, 429),
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
        tags,
        deprecated: true,
        querystring: ListQuery,
        response: alsoWith(v1Headers, { 200: ok(OrderPage, 'one page'), ...problems(400, 429) }),
      },
    },
    async (request, reply) => {
      const { cursor, ...filters } = request.query;
      const page = await orders.list({ ...filters, after: cursor });
      reply.header('link', pageLinks('/orders', request.query, page.next));
      return page;
    },
  );

  // Cancellation, an action URL: the order becomes cancelled and its stock is released (by
  // event, or directly when there is no bus). If-Match is optional here; v2 requires it.
  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        summary: 'Cancel an order (pending or confirmed); repeating it answers the same',
        tags,
        deprecated: true,
        params: OrderParams,
        headers: ChangeHeaders,
        response: alsoWith(v1Headers, {
          200: ok(Order, 'cancelled', { etag: headers.etag }),
          ...problems(400, 404, 409, 412, 429, 503, 504),
        }),
      },
    },
    async (request, reply) => {
      const order = await lifecycle.cancel(request.params.id, { ifVersion: ifMatch(request, { required: false }) });
      reply.header('etag', etagOf(order));
      return order;
    },
  );
};
