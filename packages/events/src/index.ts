export { newEvent, type CloudEvent } from './envelope.ts';
export {
  PoisonEventError,
  type EventBus,
  type EventHandler,
  type EventPublisher,
  type EventSubscriber,
  type Subscription,
} from './bus.ts';
export { connectEventBus, type EventBusConfig } from './connect.ts';
export { createRabbitMqBus, rabbitMqDefaults, type RabbitMqBus, type RabbitMqBusOptions } from './rabbitmq/bus.ts';
export { PublishError, type PublishOutcome } from './rabbitmq/confirmed.ts';
export { deadLetterReason, namesFor as rabbitMqNames } from './rabbitmq/topology.ts';
export { createKafkaBus, kafkaDefaults, type KafkaBus, type KafkaBusOptions } from './kafka/bus.ts';
export { deadLetterTopicOf } from './kafka/topics.ts';
export { deadLetterReasonHeader } from './dead-letters.ts';
export { replayGroup, type ReplayFrom } from './kafka/replay.ts';
export { OutboxRelay, type EventOutbox, type OutboxRelayOptions } from './outbox.ts';
export {
  idempotent,
  processedEvents,
  processedEventsTable,
  type ProcessedEvents,
} from './idempotency/processed-events.ts';
export { sqliteProcessedEvents } from './idempotency/sqlite.ts';
export { postgresProcessedEvents, type PgClient, type PgPool } from './idempotency/postgres.ts';
export { toKafkaMessage, fromKafkaMessage } from './wire/kafka-binding.ts';
export { toAmqpMessage, fromAmqpMessage } from './wire/amqp-binding.ts';
export { classifyType, defaultTopicOf } from './types.ts';
export type { BusLog } from './log.ts';
export { BusConfig, BusSettings } from './bus-config.ts';
export { openEventBus, serviceBusNames } from './open-bus.ts';
export { eventData } from './event-data.ts';
export { namespaceSchema } from './namespace-schema.ts';
