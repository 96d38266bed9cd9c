import type { FastifyInstance } from 'fastify';
import { problemContentType } from '@commlab/kit';
import { signToken } from '@commlab/push';

export interface LabLinks {
  labId: string | undefined;
  orderUrl: string | undefined;
  notificationPort: number | undefined;
  tokenSecret: string;
}

const customerPattern = '^[A-Za-z0-9._@-]{1,64}$';

/**
 * What the page needs from the lab: its settings, a push token for the customer it watches,
 * and a way to place an order (forwarded to the order API, so the page needs no CORS there;
 * the order service reports that REST call as it does any other).
 */
export async function labRoutes(app: FastifyInstance, links: LabLinks) {
  app.get('/api/lab', async () => ({ labId: links.labId ?? null, notificationPort: links.notificationPort ?? null }));

  app.get<{ Querystring: { customer: string } }>(
    '/api/push-token',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['customer'],
          properties: { customer: { type: 'string', pattern: customerPattern } },
        },
      },
    },
    async (request) => ({ token: signToken(links.tokenSecret, request.query.customer, 3600) }),
  );

  app.post('/api/orders', async (request, reply) => {
    if (!links.orderUrl) {
      return reply.code(503).type(problemContentType).send({
        type: '/problems/no-order-service',
        title: 'No order service in this lab',
        status: 503,
        detail: 'this lab runs no order service (ORDER_URL is unset)',
      });
    }
    try {
      const response = await fetch(new URL('/orders', links.orderUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(10_000),
      });
      return reply
        .code(response.status)
        .type(response.headers.get('content-type') ?? 'application/json')
        .send(await response.text());
    } catch (err) {
      return reply
        .code(502)
        .type(problemContentType)
        .send({
          type: '/problems/order-unreachable',
          title: 'Order service unreachable',
          status: 502,
          detail: `${links.orderUrl}: ${(err as Error).message}`,
        });
    }
  });
}
