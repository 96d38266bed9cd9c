import type { CloudEvent } from './envelope.ts';

/** Publishes events. Resolves only once the broker has accepted the event durably. */
export interface EventPublisher {
  publish(event: CloudEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * A handler's verdict. Throwing means "retry later" (transient); a handler that recognises
 * an event it can never process (malformed, unknown type) throws a PoisonEventError, and the
 * adapter dead-letters it with the reason instead of retrying.
 */
export type EventHandler = (event: CloudEvent) => Promise<void>;

export class PoisonEventError extends Error {
  override readonly name = 'PoisonEventError';
}

export interface Subscription {
  close(): Promise<void>;
}

/**
 * Delivers events to a handler, at least once: an event is acknowledged (RabbitMQ ack,
 * Kafka offset commit) only after the handler resolved. `group` names the consumer group /
 * queue, so several instances of one service share the work.
 */
export interface EventSubscriber {
  subscribe(options: { group: string; types: readonly string[] }, handler: EventHandler): Promise<Subscription>;
}

/** Both seams over one broker connection: what a service's composition root holds. */
export interface EventBus extends EventPublisher, EventSubscriber {
  /** Resolves while the broker answers, within a couple of seconds; readiness checks call it. */
  ping(): Promise<void>;
}
