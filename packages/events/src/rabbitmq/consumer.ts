import type { Channel, ConsumeMessage } from 'amqplib';
import { observeQueueDepth } from '../backlog.ts';
import { PoisonEventError, type EventHandler, type Subscription } from '../bus.ts';
import { deadLetterReasonHeader } from '../dead-letters.ts';
import type { BusLog } from '../log.ts';
import { processTraced } from '../tracing.ts';
import { classifyType, unknownTypeReason } from '../types.ts';
import { fromAmqpMessage } from '../wire/amqp-binding.ts';
import { KeptChannel, type AmqpLink } from './link.ts';
import { assertGroupQueue, type Names } from './topology.ts';

export interface ConsumerOptions {
  names: Names;
  types: readonly string[];
  /** Unacknowledged messages one consumer holds at once (its share of the work in flight). */
  prefetch: number;
  /** Deliveries of a message whose handler keeps failing before it is dead-lettered. */
  maxAttempts: number;
  /** Pause before a failed message goes back to the queue. */
  retryDelayMs: number;
  /** Sends a dead letter and resolves once the broker confirmed it. */
  deadLetter(message: ConsumeMessage, reason: string): Promise<void>;
  /** The virtual host of the queue, for its metrics (`/` by default). */
  vhost: string;
  log: BusLog;
}

type Verdict = { ack: true } | { requeue: string } | { deadLetter: string };

/**
 * Consumes a group's queue with manual acknowledgements: a message is acked only after the
 * handler resolved, or after its dead letter was confirmed; a transient failure puts it back
 * (after a pause) until `maxAttempts`. Anything that can never succeed — undecodable,
 * missing attributes, an unknown type, a PoisonEventError — is dead-lettered at once.
 */
export async function consume(link: AmqpLink, options: ConsumerOptions, handler: EventHandler): Promise<Subscription> {
  const { names, log } = options;
  const inFlight = new Set<Promise<void>>();
  let consumerTag: string | undefined;
  let closing = false;

  const verdictOn = async (message: ConsumeMessage): Promise<Verdict> => {
    try {
      const event = fromAmqpMessage(message);
      if (classifyType(options.types, event.type) !== 'handle') {
        throw new PoisonEventError(unknownTypeReason(options.types, event.type));
      }
      await processTraced(event, { system: 'rabbitmq', destination: names.exchange, group: names.queue }, () =>
        handler(event),
      );
      return { ack: true };
    } catch (err) {
      const reason = (err as Error).message;
      if (err instanceof PoisonEventError) return { deadLetter: reason };
      const attempt = Number(message.properties.headers?.['x-delivery-count'] ?? 0) + 1;
      if (attempt >= options.maxAttempts) return { deadLetter: `gave up after ${attempt} attempts: ${reason}` };
      return { requeue: reason };
    }
  };

  const settle = async (channel: Channel, message: ConsumeMessage) => {
    const verdict = await verdictOn(message);
    const id = message.properties.messageId as string | undefined;
    if ('deadLetter' in verdict) {
      try {
        await options.deadLetter(message, verdict.deadLetter);
        log.warn({ id, queue: names.queue, reason: verdict.deadLetter }, 'event dead-lettered');
      } catch (err) {
        log.error({ id, err: (err as Error).message }, 'dead-lettering failed; the message goes back to the queue');
        return nack(channel, message);
      }
    } else if ('requeue' in verdict) {
      log.warn({ id, queue: names.queue, err: verdict.requeue }, 'handler failed; retrying later');
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
      return nack(channel, message);
    }
    try {
      channel.ack(message);
    } catch {
      // The channel died while the handler ran: the broker redelivers the message, and the
      // consumer's deduplication by event id absorbs the second delivery.
      log.warn({ id }, 'could not ack (channel closed); the message will be redelivered');
    }
  };

  const nack = (channel: Channel, message: ConsumeMessage) => {
    try {
      channel.nack(message, false, true);
    } catch {
      // Channel gone: the broker returns the message to the queue by itself.
    }
  };

  const kept = new KeptChannel<Channel>(
    link,
    (model) => model.createChannel(),
    async (channel) => {
      await channel.prefetch(options.prefetch);
      await assertGroupQueue(channel, names, options.types, options.maxAttempts);
      if (closing) return;
      const reply = await channel.consume(names.queue, (message) => {
        if (!message) {
          // The broker cancelled us (queue deleted): a fresh channel sets everything up again.
          void channel.close().catch(() => {});
          return;
        }
        const work = settle(channel, message).catch((err: Error) =>
          log.error({ err: err.message }, 'unexpected error settling a message'),
        );
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      });
      consumerTag = reply.consumerTag;
    },
    log,
  );
  await kept.start();
  // Its depth for Prometheus (a no-op without the telemetry preload): asked on this channel,
  // whose queue exists — a passive declare of a missing queue would close the channel.
  const stopObserving = observeQueueDepth({
    queue: names.queue,
    vhost: options.vhost,
    check: async () => kept.now?.checkQueue(names.queue),
    unacked: () => inFlight.size,
  });

  return {
    close: async () => {
      if (closing) return;
      closing = true;
      stopObserving();
      // Stop new deliveries, let handlers in flight finish and ack, then close.
      const channel = kept.now;
      if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => {});
      await Promise.allSettled([...inFlight]);
      await kept.close();
    },
  };
}

/** Headers of a dead letter: the original ones plus why and from where. */
export function deadLetterHeaders(message: ConsumeMessage, queue: string, reason: string): Record<string, unknown> {
  return {
    ...message.properties.headers,
    [deadLetterReasonHeader]: reason,
    'dead-letter-queue': queue,
  };
}
