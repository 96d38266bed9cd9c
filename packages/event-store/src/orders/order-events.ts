import { OrderEventData, orderEventTypes } from '@commlab/contracts/events';
import Value from 'typebox/value';
import { InvalidAppendError } from '../errors.ts';
import type { NewEvent, RecordedEvent } from '../events.ts';

/**
 * Order streams hold the same events the order service publishes (the contracts' types and
 * data schema): in an event-sourced order service the stream is the order, and what leaves
 * for other services is what was stored.
 */
export type OrderEventKind = keyof typeof orderEventTypes;
export type OrderEventType = (typeof orderEventTypes)[OrderEventKind];
export type RecordedOrderEvent = RecordedEvent<OrderEventType, OrderEventData>;

/** One stream per order. The prefix is the stream's category; the rest is the CloudEvents subject. */
export const orderStreamPrefix = 'order-';
export const orderStreamId = (orderId: string) => `${orderStreamPrefix}${orderId}`;

/** The status each event leaves the order in (placed: pending, or confirmed by a synchronous checkout). */
const statusAfter: Record<OrderEventKind, readonly OrderEventData['status'][]> = {
  placed: ['pending', 'confirmed'],
  confirmed: ['confirmed'],
  rejected: ['rejected'],
  cancelled: ['cancelled'],
};

const kindOf = new Map<string, OrderEventKind>(
  Object.entries(orderEventTypes).map(([kind, type]) => [type, kind as OrderEventKind]),
);

/**
 * An order event to append, checked against the contract; the error names what is wrong.
 * `metadata` carries context such as `traceparent` (see NewEvent).
 */
export function newOrderEvent(
  kind: OrderEventKind,
  data: OrderEventData,
  options: Pick<NewEvent, 'id' | 'metadata'> = {},
): NewEvent<OrderEventType, OrderEventData> {
  if (!Value.Check(OrderEventData, data)) {
    const problems = [...Value.Errors(OrderEventData, data)].map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new InvalidAppendError(
      `${orderEventTypes[kind]} data`,
      `breaks the contract: ${[...new Set(problems)].join('; ')}`,
    );
  }
  if (!statusAfter[kind].includes(data.status)) {
    throw new InvalidAppendError(
      `${orderEventTypes[kind]} data/status`,
      `must be ${statusAfter[kind].join(' or ')}, got ${data.status}`,
    );
  }
  return { type: orderEventTypes[kind], data, ...options };
}

/** Whether a stored event is one of the order events (other streams share the log). */
export function isOrderEvent(event: RecordedEvent): event is RecordedOrderEvent {
  return kindOf.has(event.type);
}

export function orderEventKind(event: RecordedOrderEvent): OrderEventKind {
  return kindOf.get(event.type)!;
}
