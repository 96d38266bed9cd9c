import type { CloudEvent } from '@commlab/events';

/**
 * The notification feed: every order status change a customer may be told about, each under
 * a monotonically increasing id. Clients resume by id, so the feed is the single source of
 * "what did I miss". The event consumer feeds it with one call per event:
 *
 *   await feed.append(event)   // a CloudEvent from the broker; idempotent by event.id
 */
export interface FeedEntry {
  /** Grows with every appended event; ids of one customer are increasing, not contiguous. */
  id: number;
  /** The CloudEvent id it came from: appending the same event twice stores it once. */
  eventId: string;
  customerId: string;
  orderId: string;
  status: string;
  eventType: string;
  time: string;
}

export interface Feed {
  /** Records an event durably and returns its feed id (the existing one for a repeated event id). */
  append(event: CloudEvent): Promise<number>;
  /** The customer's entries with an id above `afterId`, oldest first, at most `limit`. */
  read(customerId: string, afterId: number, limit: number): Promise<FeedEntry[]>;
  /** The highest id so far (0 when empty). */
  head(): Promise<number>;
  /** Called with each newly appended entry, after it is stored. Returns an unsubscribe function. */
  subscribe(listener: (entry: FeedEntry) => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class FeedError extends Error {
  override readonly name = 'FeedError';
}

const orderEventType = /^commlab\.order\.([a-z-]+)\.v\d+$/;

/**
 * What the feed keeps of an order event: its customer (routing), order (subject) and status.
 * The status is `data.status` when the event carries one, else the verb of its type
 * (commlab.order.shipped.v1 → shipped). Throws FeedError for an event it cannot route.
 */
export function toFeedEntry(event: CloudEvent): Omit<FeedEntry, 'id'> {
  const data = (event.data ?? {}) as { customerId?: unknown; status?: unknown };
  const problems: string[] = [];
  if (typeof event.id !== 'string' || event.id.length === 0 || event.id.length > 128) problems.push('id');
  if (typeof event.subject !== 'string' || event.subject.length === 0 || event.subject.length > 64)
    problems.push('subject (the order id)');
  if (typeof data.customerId !== 'string' || data.customerId.length === 0 || data.customerId.length > 64)
    problems.push('data.customerId');
  const verb = typeof event.type === 'string' ? orderEventType.exec(event.type)?.[1] : undefined;
  if (!verb) problems.push('type (commlab.order.<change>.v<N>)');
  if (data.status !== undefined && (typeof data.status !== 'string' || !/^[a-z][a-z-]{0,31}$/.test(data.status)))
    problems.push('data.status (a lower-case word)');
  if (problems.length > 0) throw new FeedError(`event cannot be routed: bad or missing ${problems.join(', ')}`);
  const time =
    typeof event.time === 'string' && !Number.isNaN(Date.parse(event.time)) ? event.time : new Date().toISOString();
  return {
    eventId: event.id,
    customerId: data.customerId as string,
    orderId: event.subject,
    status: (data.status as string | undefined) ?? verb!,
    eventType: event.type,
    time,
  };
}
