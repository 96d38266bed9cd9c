import type { EdgeReporter } from '@commlab/kit';
import type { PushEvent } from '@commlab/push';
import type { LogEntry } from '../domain/event-log.ts';

/** A log entry as the push protocol shows it to clients (no internal fields). */
export function toPushEvent(entry: LogEntry): PushEvent {
  return {
    id: entry.id,
    customerId: entry.customerId,
    orderId: entry.orderId,
    status: entry.status,
    eventType: entry.type,
    time: entry.time,
  };
}

/** Tells the lab console that an entry went out to a client over `protocol`. */
export function reportPush(edges: EdgeReporter, protocol: 'WebSocket' | 'SSE' | 'long-poll', entry: LogEntry): void {
  edges.report({
    from: 'notification',
    to: 'browser',
    protocol,
    side: 'sent',
    label: `push #${entry.id} ${entry.status}`,
    orderId: entry.orderId,
    status: entry.status,
  });
}
