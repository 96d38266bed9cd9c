import { setTimeout as sleep } from 'node:timers/promises';
import type { EventHandler } from '@commlab/events';

/**
 * Makes notification wait `delayMs` before it handles each order event: a slow consumer, the
 * dial lab 14's drill turns to watch a backlog build up (queue depth on RabbitMQ, consumer lag
 * on Kafka) while every order still succeeds. The message stays unacknowledged (its offset
 * uncommitted) meanwhile, as with a handler that is slow for any other reason.
 */
export function withNotifyDelay(handler: EventHandler, delayMs: number): EventHandler {
  if (delayMs <= 0) return handler;
  return async (event) => {
    await sleep(delayMs);
    await handler(event);
  };
}
