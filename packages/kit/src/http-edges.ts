import type { FastifyInstance } from 'fastify';
import { noEdgeReporter, type EdgeReporter } from './edges.ts';

const quiet = new Set(['/healthz', '/readyz']);

/**
 * Reports every request a fastify app answers (health probes aside) to the lab console:
 * "client → order REST POST /orders 201". When the JSON answer names an order (`id` and
 * `status`, as the order API's answers do) the crossing carries them, so the console can
 * follow one order across edges. Reading the payload happens after the reply is built and
 * never changes it.
 */
export function reportRequests(app: FastifyInstance, reporter: EdgeReporter, edge: { from: string; to: string }): void {
  // Without a console there is no one to tell: no hook, so no response is parsed for nothing.
  if (reporter === noEdgeReporter) return;
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0]!;
    if (quiet.has(path)) return payload;
    const subject = typeof payload === 'string' && payload.length < 65_536 ? orderIn(payload) : undefined;
    reporter.report({
      ...edge,
      protocol: 'REST',
      side: 'received',
      label: `${request.method} ${path} ${reply.statusCode}`,
      orderId: subject?.id,
      status: subject?.status,
      ok: reply.statusCode < 400,
    });
    return payload;
  });
}

function orderIn(payload: string): { id: string; status: string } | undefined {
  try {
    const body = JSON.parse(payload) as { id?: unknown; status?: unknown };
    return typeof body.id === 'string' && typeof body.status === 'string'
      ? { id: body.id, status: body.status }
      : undefined;
  } catch {
    return undefined;
  }
}
