export { newEvent, type CloudEvent } from './envelope.ts';
export {
  PoisonEventError,
  type EventHandler,
  type EventPublisher,
  type EventSubscriber,
  type Subscription,
} from './bus.ts';
export { BusConfig, BusSettings } from './bus-config.ts';
export { openEventBus, type EventBus } from './open-bus.ts';
export { eventData } from './event-data.ts';
export { rabbitMqNames } from './rabbitmq-minimal.ts';
