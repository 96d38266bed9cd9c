import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ProblemCatalogue } from '@commlab/kit';
import type { PaymentLedger } from '../domain/payment-ledger.ts';

const OrderId = Type.String({ minLength: 1, maxLength: 64 });

/**
 * Payment over HTTP, for the saga orchestrator (lab 08) and for readers: pay and cancel are
 * idempotent by order id (a retry after a timeout answers the payment as decided), and a
 * declined payment is an answer (200, status declined), not an error.
 */
export const paymentRoutes: FastifyPluginAsyncTypebox<{ ledger: PaymentLedger; problems: ProblemCatalogue }> = async (
  app,
  { ledger, problems },
) => {
  app.post(
    '/payments',
    {
      schema: {
        body: Type.Object(
          { orderId: OrderId, amount: Type.Integer({ minimum: 1, maximum: 1_000_000 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ledger.pay(request.body.orderId, request.body.amount),
  );
  app.post('/payments/:orderId/cancel', { schema: { params: Type.Object({ orderId: OrderId }) } }, async (request) =>
    ledger.cancel(request.params.orderId),
  );
  app.get('/payments/:orderId', { schema: { params: Type.Object({ orderId: OrderId }) } }, async (request) => {
    const payment = await ledger.get(request.params.orderId);
    if (!payment) throw problems.problem('not-found', `no payment for order ${request.params.orderId}`);
    return payment;
  });
  app.get(
    '/payments',
    {
      schema: {
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ payments: await ledger.list(request.query.limit) }),
  );
};
