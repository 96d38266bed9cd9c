import type { Channel } from 'amqplib';
import { deadLetterReasonHeader } from '../dead-letters.ts';
import { bindingKeys } from '../types.ts';

/**
 * Where events go on RabbitMQ. Publishers send to one durable topic exchange with the event
 * type as routing key. Each consumer group has a durable quorum queue bound to the types it
 * listed (every version, see types.ts); its dead letters go through a direct exchange to
 * `<group>.dlq`, whether the consumer put them there (with a reason header) or the broker
 * did (delivery limit reached, e.g. because the message kept crashing its consumer).
 */
export interface Names {
  exchange: string;
  deadLetterExchange: string;
  queue: string;
  deadLetterQueue: string;
}

export function namesFor(exchange: string, group: string): Names {
  return { exchange, deadLetterExchange: `${exchange}.dlx`, queue: group, deadLetterQueue: `${group}.dlq` };
}

export function assertExchange(channel: Channel, exchange: string) {
  return channel.assertExchange(exchange, 'topic', { durable: true });
}

export async function assertGroupQueue(
  channel: Channel,
  names: Names,
  types: readonly string[],
  deliveryLimit: number,
): Promise<void> {
  await assertExchange(channel, names.exchange);
  await channel.assertExchange(names.deadLetterExchange, 'direct', { durable: true });
  await channel.assertQueue(names.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(names.deadLetterQueue, names.deadLetterExchange, names.queue);
  await channel.assertQueue(names.queue, {
    durable: true,
    arguments: {
      // Replicated, and they count deliveries: the broker enforces the delivery limit.
      'x-queue-type': 'quorum',
      'x-delivery-limit': deliveryLimit,
      'x-dead-letter-exchange': names.deadLetterExchange,
      'x-dead-letter-routing-key': names.queue,
      // Keep a dead letter in this queue until the dead-letter queue confirmed it, instead of
      // the default fire-and-forget; the broker requires reject-publish overflow for that.
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  });
  for (const key of bindingKeys(types)) await channel.bindQueue(names.queue, names.exchange, key);
}

/** Why a message in a dead-letter queue is there: our reason, or the broker's (e.g. delivery_limit). */
export function deadLetterReason(headers: Record<string, unknown> | undefined): string | undefined {
  const ours = headers?.[deadLetterReasonHeader];
  if (ours !== undefined) return String(ours);
  const broker = headers?.['x-first-death-reason'];
  return broker === undefined ? undefined : `broker: ${String(broker)}`;
}
