import type { PushEvent } from '@commlab/push';
import type { FeedEntry } from '../domain/feed.ts';

/** A feed entry as the push protocol shows it to clients (no internal fields). */
export function toPushEvent(entry: FeedEntry): PushEvent {
  return {
    id: entry.id,
    customerId: entry.customerId,
    orderId: entry.orderId,
    status: entry.status,
    eventType: entry.eventType,
    time: entry.time,
  };
}
