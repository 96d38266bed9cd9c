import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrderLifecycle } from '../domain/order-lifecycle.ts';
import { etagOf } from './conditional.ts';
import { ifMatch } from './order-replies.ts';
import { Order } from './schemas-v1.ts';
import {
  alsoWith,
  ChangeHeaders,
  headers,
  ok,
  OrderParams,
  problemResponses as problems,
  v1Headers,
} from './schemas.ts';

/**
 * Version 1 cancellation, an action URL: the order becomes cancelled and its stock is released
 * (by event, or directly when there is no bus). If-Match is optional here; v2 requires it.
 */
export const cancelRoutes: FastifyPluginAsyncTypebox<{ lifecycle: OrderLifecycle }> = async (app, { lifecycle }) => {
  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        summary: 'Cancel an order (pending or confirmed); repeating it answers the same',
        tags: ['orders v1 (deprecated)'],
        deprecated: true,
        params: OrderParams,
        headers: ChangeHeaders,
        response: alsoWith(v1Headers, {
          200: ok(Order, 'cancelled', { etag: headers.etag }),
          400: problems[400],
          404: problems[404],
          409: problems[409],
          412: problems[412],
          429: problems[429],
          503: problems[503],
          504: problems[504],
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
