import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@commlab/events';
import { toEntry, type EventLog } from '../domain/event-log.ts';
import { notificationProblems } from './problems.ts';

/**
 * POST /inject — lab only (PUSH_INJECT=true): appends order events to the event log as if the
 * broker had delivered them, so chapter 6 can be explored without chapter 5's brokers. Each is
 * checked as the consumer checks a delivered one (the order event contract). Body: one
 * CloudEvent or an array of them; `id`, `time`, `source`, `specversion` and `datacontenttype`
 * may be left out. Answers the log ids. A bad event refuses the whole batch (400) and stores nothing.
 */
export async function injectRoute(app: FastifyInstance, { log }: { log: EventLog }) {
  app.post('/inject', { bodyLimit: 8 * 1024 * 1024 }, async (request) => {
    const body = request.body;
    const events = (Array.isArray(body) ? body : [body]).map(complete);
    if (events.length === 0 || events.length > 10_000)
      throw notificationProblems.problem('validation', 'send 1-10000 events');
    const entries = [];
    for (const [i, event] of events.entries()) {
      try {
        entries.push(toEntry(event));
      } catch (err) {
        throw notificationProblems.problem('validation', `event ${i}: ${(err as Error).message}`);
      }
    }
    const ids: number[] = [];
    for (const entry of entries) ids.push((await log.append(entry)).id);
    return { ids };
  });
}

function complete(value: unknown): CloudEvent {
  const event = (typeof value === 'object' && value !== null ? value : {}) as Partial<CloudEvent>;
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/commlab/lab-inject',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    ...event,
  } as CloudEvent;
}
