import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrderLifecycle } from '../domain/order-lifecycle.ts';
import { Order, OrderParams, problemResponses } from './schemas.ts';

/** Cancellation: the order becomes cancelled and order.cancelled tells inventory to release its stock. */
export const cancelRoutes: FastifyPluginAsyncTypebox<{ lifecycle: OrderLifecycle }> = async (app, { lifecycle }) => {
  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        summary: 'Cancel an order (pending or confirmed); repeating it answers the same',
        tags: ['orders'],
        params: OrderParams,
        response: { 200: Order, 404: problemResponses[404], 409: problemResponses[409] },
      },
    },
    async (request) => lifecycle.cancel(request.params.id),
  );
};
