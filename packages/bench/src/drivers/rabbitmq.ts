import { randomBytes } from 'node:crypto';
import amqp, { type ConfirmChannel } from 'amqplib';
import type { Send } from '../open-loop.ts';
import { endToEnd, type Stamp } from './messaging.ts';

export interface RabbitMqDriverOptions {
  url: string;
  /** Unacknowledged deliveries the consumer may hold. Default 100. */
  prefetch?: number;
  /** A quorum queue (replicated, what the project's bus declares) or a classic one. Default quorum. */
  queueType?: 'quorum' | 'classic';
}

export interface RabbitMqDriver {
  /** Publish (confirmed) → consume (acked): resolves when this run's consumer received the message. */
  endToEnd: Send;
  /**
   * Publish only, resolving on the broker's confirm. Called one at a time it is "sequential
   * confirms"; with many in flight the confirms are pipelined on the one channel.
   */
  publishConfirmed: Send;
  queue: string;
  readonly strays: number;
  /** Deletes the run's queue and closes the connection. */
  close(): Promise<void>;
}

/**
 * Bare amqplib, no project code: one connection, a confirm channel publishing to a queue of
 * the run's own (through the default exchange), and a consumer on a second channel acking each
 * delivery. Messages carry a Stamp (JSON body).
 */
export async function rabbitMqDriver(options: RabbitMqDriverOptions): Promise<RabbitMqDriver> {
  const queue = `bench.rabbitmq.${randomBytes(4).toString('hex')}`;
  const connection = await amqp.connect(options.url);
  const publishing: ConfirmChannel = await connection.createConfirmChannel();
  const consuming = await connection.createChannel();
  await publishing.assertQueue(queue, {
    durable: true,
    arguments: { 'x-queue-type': options.queueType ?? 'quorum' },
  });
  await consuming.prefetch(options.prefetch ?? 100);
  const publish = (stamp: Stamp) =>
    new Promise<void>((resolve, reject) =>
      publishing.sendToQueue(queue, Buffer.from(JSON.stringify(stamp)), { persistent: true }, (err: Error | null) =>
        err ? reject(err) : resolve(),
      ),
    );
  const track = endToEnd(publish);
  await consuming.consume(queue, (message) => {
    if (!message) return;
    consuming.ack(message);
    track.arrived(JSON.parse(message.content.toString()) as Stamp);
  });
  const publishOnly = `${queue}.publish-only`;
  return {
    endToEnd: track.send,
    publishConfirmed: ({ seq, intendedAt }) =>
      publish({ run: publishOnly, seq, sentAt: performance.timeOrigin + intendedAt }),
    queue,
    get strays() {
      return track.strays;
    },
    close: async () => {
      await consuming.close();
      await publishing.deleteQueue(queue);
      await publishing.close();
      await connection.close();
    },
  };
}
