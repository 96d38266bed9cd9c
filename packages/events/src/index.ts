export { newEvent, type CloudEvent } from './envelope.ts';
export {
  PoisonEventError,
  type EventHandler,
  type EventPublisher,
  type EventSubscriber,
  type Subscription,
} from './bus.ts';
