import type { OrderEventData } from '@commlab/contracts/events';
import type { Aggregate } from '../aggregates.ts';
import type { RecordedEvent } from '../events.ts';
import { isOrderEvent, orderEventKind, type OrderEventKind } from './order-events.ts';

/** One step of an order's life, as its stream recorded it. */
export interface OrderStep {
  event: OrderEventKind;
  status: OrderEventData['status'];
  at: string;
  version: number;
}

/**
 * An order folded from its stream: the order as it stands, and how it got there (which a
 * state-carrying event alone does not say, and which makes a snapshot worth comparing).
 */
export type OrderState =
  { exists: false } | { exists: true; order: OrderEventData; placedAt: string; updatedAt: string; steps: OrderStep[] };

export const orderAggregate: Aggregate<OrderState> = {
  schema: 'order-state/v1',
  initial: { exists: false },
  evolve: (state, event: RecordedEvent) => {
    if (!isOrderEvent(event)) {
      throw new Error(
        `order stream ${event.streamId} holds ${event.type} at version ${event.version}: not an order event`,
      );
    }
    const step: OrderStep = {
      event: orderEventKind(event),
      status: event.data.status,
      at: event.recordedAt,
      version: event.version,
    };
    return {
      exists: true,
      order: event.data,
      placedAt: state.exists ? state.placedAt : event.recordedAt,
      updatedAt: event.recordedAt,
      steps: [...(state.exists ? state.steps : []), step],
    };
  },
};
