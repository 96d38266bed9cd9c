import type { FastifyInstance } from 'fastify';
import type { EdgeReporter } from '@commlab/kit';
import { closeCodes } from '@commlab/push';
import type { Fanout } from '../domain/fanout.ts';
import type { NotificationSettings } from '../config.ts';
import { authenticate, claims, type AuthSettings } from './auth.ts';
import { reportPush, toPushEvent } from './push-event.ts';
import { notificationProblems } from './problems.ts';
import { resumeQuery, type ResumeQuery } from './resume-query.ts';

/**
 * GET /sse: the same event log as Server-Sent Events. Each event carries `id:`, so a browser's
 * EventSource resumes by itself, sending `Last-Event-ID` when it reconnects. A comment line
 * every heartbeat keeps proxies from closing an idle stream. A reader that falls behind past
 * the buffer limit has its response ended; it reconnects and resumes like any other.
 */
export async function sseRoute(
  app: FastifyInstance,
  deps: {
    fanout: Fanout;
    config: AuthSettings & Pick<NotificationSettings, 'PUSH_HEARTBEAT_MS' | 'PUSH_MAX_BUFFERED_BYTES'>;
    edges: EdgeReporter;
  },
) {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get<{ Querystring: ResumeQuery }>(
    '/sse',
    { preValidation: authenticate(deps.config), schema: { querystring: resumeQuery } },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      const resumeFrom = lastEventId !== undefined ? Number(lastEventId) : request.query.after;
      if (resumeFrom !== undefined && (!Number.isSafeInteger(resumeFrom) || resumeFrom < 0)) {
        throw notificationProblems.problem('validation', 'Last-Event-ID must be a whole number ≥ 0');
      }
      const { sub: customerId, exp } = claims(request);
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const end = () => res.end();
      open.add(end);
      const heartbeat = setInterval(() => res.write(': ping\n\n'), deps.config.PUSH_HEARTBEAT_MS);
      // A stream lives as long as its token, like a WebSocket (closed with 4401): the server says
      // why and ends it; the client reconnects with a new token and Last-Event-ID.
      const expiry = setTimeout(
        () => {
          res.write(`event: token-expired\ndata: ${JSON.stringify({ code: closeCodes.tokenExpired })}\n\n`);
          end();
        },
        Math.min(exp * 1000 - Date.now(), 2 ** 31 - 1),
      );
      const stream = await deps.fanout.open(
        customerId,
        { after: resumeFrom, orders: request.query.orders?.split(',') },
        {
          started: (after) => res.write(`retry: 1000\nevent: subscribed\ndata: ${JSON.stringify({ after })}\n\n`),
          push: (entry) => {
            res.write(`id: ${entry.id}\nevent: order-status\ndata: ${JSON.stringify(toPushEvent(entry))}\n\n`);
            reportPush(deps.edges, 'SSE', entry);
            return res.writableLength > deps.config.PUSH_MAX_BUFFERED_BYTES;
          },
          drained: () => new Promise((resolve) => (res.writableLength === 0 ? resolve() : res.once('drain', resolve))),
          overflow: end,
        },
      );
      res.once('close', () => {
        open.delete(end);
        clearInterval(heartbeat);
        clearTimeout(expiry);
        stream.close();
      });
    },
  );
}
