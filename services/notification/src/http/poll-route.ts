import type { FastifyInstance } from 'fastify';
import type { EdgeReporter } from '@commlab/kit';
import type { EventLog } from '../domain/event-log.ts';
import type { NotificationSettings } from '../config.ts';
import { authenticate, claims, type AuthSettings } from './auth.ts';
import { reportPush, toPushEvent } from './push-event.ts';
import { resumeQuery, type ResumeQuery } from './resume-query.ts';

const maxBatch = 500;

/**
 * GET /poll?after=N: long-polling over the same event log. Answers at once with what is there
 * after N; with nothing there, holds the request until an entry for this customer arrives or
 * LONGPOLL_WAIT_MS passes (then an empty list). The client asks again with the last id it got.
 */
export async function pollRoute(
  app: FastifyInstance,
  deps: { log: EventLog; config: AuthSettings & Pick<NotificationSettings, 'LONGPOLL_WAIT_MS'>; edges: EdgeReporter },
) {
  const waiting = new Map<string, Set<() => void>>();
  const unsubscribe = deps.log.subscribe((entry) => {
    for (const wake of waiting.get(entry.customerId) ?? []) wake();
  });
  const wakeAll = () => {
    for (const set of waiting.values()) for (const wake of set) wake();
  };
  app.addHook('preClose', async () => {
    unsubscribe();
    wakeAll();
  });

  app.get<{ Querystring: ResumeQuery }>(
    '/poll',
    { preValidation: authenticate(deps.config), schema: { querystring: resumeQuery } },
    async (request) => {
      const { sub: customerId } = claims(request);
      const after = request.query.after ?? (await deps.log.head());
      const wanted = request.query.orders ? new Set(request.query.orders.split(',')) : undefined;
      const read = async () => {
        const entries = await deps.log.read({ customerId, after, limit: maxBatch });
        return { entries: wanted ? entries.filter((e) => wanted.has(e.orderId)) : entries, last: entries.at(-1)?.id };
      };
      let found = await read();
      if (found.last === undefined) {
        await new Promise<void>((resolve) => {
          const set = waiting.get(customerId) ?? new Set();
          waiting.set(customerId, set);
          const timer = setTimeout(wake, request.query.waitMs ?? deps.config.LONGPOLL_WAIT_MS);
          function wake() {
            clearTimeout(timer);
            set.delete(wake);
            if (set.size === 0) waiting.delete(customerId);
            resolve();
          }
          set.add(wake);
          request.raw.once('close', wake);
        });
        found = await read();
      }
      for (const entry of found.entries) reportPush(deps.edges, 'long-poll', entry);
      // `last` moves past entries the order filter hid, so the next poll does not read them again.
      return { events: found.entries.map(toPushEvent), last: found.last ?? after };
    },
  );
}
