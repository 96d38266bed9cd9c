import type { EventPublisher, EventSubscriber } from './bus.ts';
import type { BusSettings } from './bus-config.ts';
import { connectMinimalRabbitMq } from './rabbitmq-minimal.ts';

/** A service's connection to the event bus: both seams, a readiness check, and shutdown. */
export interface EventBus {
  publisher: EventPublisher;
  subscriber: EventSubscriber;
  /** Resolves while the broker connection works; readiness checks call it. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The bus EVENT_BUS names, or undefined for `none` (the service then neither publishes nor
 * consumes). Every service opens its bus here, so changing adapters is a change to this file.
 */
export async function openEventBus(
  config: BusSettings,
  logger: { warn(details: object, message: string): void },
): Promise<EventBus | undefined> {
  const onError = (err: unknown, context: string) => logger.warn({ err, context }, 'event bus');
  switch (config.EVENT_BUS) {
    case 'none':
      return undefined;
    case 'rabbitmq':
      return connectMinimalRabbitMq({ url: config.AMQP_URL, namespace: config.EVENT_NAMESPACE, onError });
    case 'kafka':
      throw new Error('EVENT_BUS=kafka: the Kafka adapter is not part of this build yet; use EVENT_BUS=rabbitmq');
  }
}
