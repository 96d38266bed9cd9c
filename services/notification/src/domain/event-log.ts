import { OrderEventData, orderEventTypes } from '@commlab/contracts/events';
import { eventData, PoisonEventError, type CloudEvent } from '@commlab/events';

/**
 * The notification service's one store: a durable, append-only log of the order events each
 * customer is told about. Everything that tells a customer reads it — the WebSocket, SSE and
 * long-poll streams and GET /notifications — and a client that reconnects asks for "everything
 * after id N" and misses nothing.
 */
export interface LogEntry {
  /** Position in the log: grows with every new event and is never reused (push `id`, /notifications `seq`). */
  id: number;
  /** The CloudEvent id it came from: appending the same event twice stores it once. */
  eventId: string;
  type: string;
  orderId: string;
  customerId: string;
  status: OrderEventData['status'];
  time: string;
  data: OrderEventData;
}

export type NewEntry = Omit<LogEntry, 'id'>;

export interface ReadQuery {
  /** Entries after this id (0: from the start) — where a reconnecting client resumes. */
  after: number;
  limit: number;
  customerId?: string | undefined;
  orderId?: string | undefined;
}

export interface EventLog {
  /** Records an event once: a redelivery of its event id answers the first entry's id. */
  append(entry: NewEntry): Promise<{ id: number; duplicate: boolean }>;
  /** Entries after `after`, oldest first, at most `limit`. */
  read(query: ReadQuery): Promise<LogEntry[]>;
  /** The highest id so far (0 when empty). */
  head(): Promise<number>;
  /** Called with each new entry once it is stored. Returns the function that unsubscribes. */
  subscribe(listener: (entry: LogEntry) => void): () => void;
}

const knownTypes: readonly string[] = Object.values(orderEventTypes);

/**
 * The one check of an incoming order event, whether the broker delivered it or a lab
 * appended it by hand: a type and data the contract (`@commlab/contracts/events`) defines,
 * about the order it names as its subject. Throws a PoisonEventError saying what is wrong.
 */
export function toEntry(event: CloudEvent): NewEntry {
  const problems = [
    ...(typeof event.id === 'string' && event.id.length > 0 && event.id.length <= 128
      ? []
      : ['id must be 1-128 characters']),
    ...(knownTypes.includes(event.type) ? [] : [`type must be one of ${knownTypes.join(', ')}`]),
    ...(typeof event.time === 'string' && !Number.isNaN(Date.parse(event.time)) ? [] : ['time must be a timestamp']),
  ];
  if (problems.length > 0) throw new PoisonEventError(`${event.type} ${event.id}: ${problems.join('; ')}`);
  const data = eventData(event, OrderEventData);
  if (event.subject !== data.orderId) {
    throw new PoisonEventError(`${event.type} ${event.id}: subject ${event.subject} is not order ${data.orderId}`);
  }
  const { orderId, customerId, status } = data;
  return { eventId: event.id, type: event.type, orderId, customerId, status, time: event.time, data };
}
