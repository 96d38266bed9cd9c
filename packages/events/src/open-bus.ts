import type { EventBus } from './bus.ts';
import type { BusSettings } from './bus-config.ts';
import { connectEventBus } from './connect.ts';
import type { BusLog } from './log.ts';
import { defaultTopicOf } from './types.ts';

/**
 * The broker names a service uses under EVENT_NAMESPACE (default `commlab`): the RabbitMQ
 * exchange `<ns>.events`, Kafka topics `<ns>.<domain>` (`commlab.order` for
 * `commlab.order.placed.v1`), and a consumer group — RabbitMQ queue, Kafka group — named
 * `<ns>.<group>`. Tests give each run its own namespace, so runs sharing a broker never
 * see each other's events; they find a service's queues through this too.
 */
export function serviceBusNames(namespace: string) {
  return {
    exchange: `${namespace}.events`,
    topicOf: (type: string) => defaultTopicOf(type).replace(/^[^.]+/, namespace),
    group: (group: string) => `${namespace}.${group}`,
  };
}

/**
 * The bus EVENT_BUS names, or undefined for `none` (the service then neither publishes nor
 * consumes). Every service opens its bus here, so changing adapters is a change to this file.
 */
export async function openEventBus(config: BusSettings, log: BusLog): Promise<EventBus | undefined> {
  if (config.EVENT_BUS === 'none') return undefined;
  const names = serviceBusNames(config.EVENT_NAMESPACE);
  const bus = await connectEventBus(
    config.EVENT_BUS === 'rabbitmq'
      ? // One delivery in hand at a time: a queue has no keys, so this is how RabbitMQ keeps
        // an order's events in order (placed before cancelled) for the services' handlers.
        { transport: 'rabbitmq', url: config.AMQP_URL, exchange: names.exchange, prefetch: 1, log }
      : // Kafka keeps each order's events in order by key (the order id) on its partition.
        { transport: 'kafka', brokers: config.KAFKA_BROKERS.split(','), topicOf: names.topicOf, log },
  );
  return {
    ...bus,
    subscribe: (subscription, handler) =>
      bus.subscribe({ ...subscription, group: names.group(subscription.group) }, handler),
  };
}
