import type { EventBus } from './bus.ts';
import { createKafkaBus, type KafkaBusOptions } from './kafka/bus.ts';
import { createRabbitMqBus, type RabbitMqBusOptions } from './rabbitmq/bus.ts';

/** Which broker carries a service's events: a configuration value, read at its composition root. */
export type EventBusConfig =
  ({ transport: 'rabbitmq' } & RabbitMqBusOptions) | ({ transport: 'kafka' } & KafkaBusOptions);

export function connectEventBus(config: EventBusConfig): Promise<EventBus> {
  return config.transport === 'rabbitmq' ? createRabbitMqBus(config) : createKafkaBus(config);
}
