import type { FastifyInstance } from 'fastify';
import { defineProblems } from '@commlab/kit';
import type { LabAccess } from '../access/lab-access.ts';

export interface LabLinks {
  labId: string | undefined;
  orderUrl: string | undefined;
  notificationPort: number | undefined;
  /** Where the console asks Zipkin for an order's trace (lab 14); unset: the page shows no trace links. */
  zipkinUrl: string | undefined;
  access: LabAccess;
}

/** The console's own problem types (the common ones come from @commlab/kit). */
export const consoleProblems = defineProblems({
  'no-order-service': {
    status: 503,
    title: 'No order service in this lab',
    description: "This lab runs no order service (the console's ORDER_URL is unset), so the page cannot place orders.",
  },
  'unknown-customer': {
    status: 403,
    title: 'Not a lab customer',
    description:
      'The console signs in only the lab customers it was given (CONSOLE_CUSTOMERS, lab 09); watch one of those.',
  },
  'order-unreachable': {
    status: 502,
    title: 'Order service unreachable',
    description: 'The console could not reach the order service it forwards orders to; is it running?',
  },
  'no-trace-backend': {
    status: 503,
    title: 'No trace backend in this lab',
    description:
      "This lab sends its traces nowhere (the console's ZIPKIN_URL is unset), so no order has a trace to show.",
  },
  'zipkin-unreachable': {
    status: 502,
    title: 'Zipkin unreachable',
    description: 'The console could not ask Zipkin for the trace; is it running?',
  },
  'trace-not-found': {
    status: 404,
    title: 'No trace of this order',
    description:
      'Zipkin holds no span of the order: its trace was not sampled, it has published no event, or its spans have not arrived yet.',
  },
});

const customerPattern = '^[A-Za-z0-9._@-]{1,64}$';

/**
 * What the page needs from the lab: its settings, a push token for the customer it watches,
 * and a way to place an order (forwarded to the order API, so the page needs no CORS there;
 * the order service reports that REST call as it does any other).
 */
export async function labRoutes(app: FastifyInstance, links: LabLinks) {
  app.get('/api/lab', async () => ({
    labId: links.labId ?? null,
    notificationPort: links.notificationPort ?? null,
    traces: links.zipkinUrl !== undefined,
  }));

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
    async (request) => {
      const token = await links.access.pushToken(request.query.customer);
      if (token === undefined) {
        throw consoleProblems.problem('unknown-customer', `${request.query.customer} is not a lab customer`);
      }
      return { token };
    },
  );

  app.post('/api/orders', async (request, reply) => {
    if (!links.orderUrl) {
      throw consoleProblems.problem('no-order-service', 'this lab runs no order service (ORDER_URL is unset)');
    }
    try {
      const authorization = await links.access.orderAuthorization();
      const response = await links.access.fetch(new URL('/orders', links.orderUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 401) links.access.orderTokenRefused();
      return reply
        .code(response.status)
        .type(response.headers.get('content-type') ?? 'application/json')
        .send(await response.text());
    } catch (err) {
      throw consoleProblems.problem('order-unreachable', `${links.orderUrl}: ${(err as Error).message}`);
    }
  });
}
