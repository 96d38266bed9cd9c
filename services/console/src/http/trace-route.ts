import type { FastifyInstance } from 'fastify';
import { consoleProblems } from './lab-routes.ts';

/** How long the console waits for Zipkin's answer before it calls it unreachable. */
const zipkinTimeoutMs = 5_000;

/**
 * GET /api/orders/:id/trace — the order's trace in Zipkin, for the link beside each order on the
 * page: a redirect to Zipkin's page of the trace whose spans carry the order id (each event's
 * send and process spans are tagged `cloudevents.event_subject`, packages/events). The console
 * asks Zipkin at `zipkinUrl` (in Compose, zipkin:9411); the browser is sent to the host it
 * loaded the page from, at Zipkin's port, as it reaches the notification service.
 */
export async function traceRoute(app: FastifyInstance, { zipkinUrl }: { zipkinUrl: string | undefined }) {
  app.get<{ Params: { id: string } }>(
    '/api/orders/:id/trace',
    {
      schema: {
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } },
        },
      },
    },
    async (request, reply) => {
      if (!zipkinUrl) {
        throw consoleProblems.problem('no-trace-backend', 'this lab sends its traces nowhere (ZIPKIN_URL is unset)');
      }
      const query = new URLSearchParams({
        annotationQuery: `cloudevents.event_subject=${request.params.id}`,
        limit: '1',
      });
      let traces: { traceId: string }[][];
      try {
        const response = await fetch(new URL(`/api/v2/traces?${query}`, zipkinUrl), {
          signal: AbortSignal.timeout(zipkinTimeoutMs),
        });
        if (!response.ok) throw new Error(`answered ${response.status}`);
        traces = (await response.json()) as { traceId: string }[][];
      } catch (err) {
        throw consoleProblems.problem('zipkin-unreachable', `${zipkinUrl}: ${(err as Error).message}`);
      }
      const traceId = traces[0]?.[0]?.traceId;
      if (!traceId) {
        throw consoleProblems.problem(
          'trace-not-found',
          `Zipkin holds no span of order ${request.params.id}: not sampled, no event yet, or its spans are still on their way`,
        );
      }
      const zipkin = new URL(zipkinUrl);
      const port = zipkin.port || (zipkin.protocol === 'https:' ? '443' : '80');
      return reply.redirect(`${zipkin.protocol}//${request.hostname}:${port}/zipkin/traces/${traceId}`);
    },
  );
}
