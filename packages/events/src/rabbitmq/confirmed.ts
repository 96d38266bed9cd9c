import type { ConfirmChannel, Options } from 'amqplib';
import { within } from '../within.ts';
import type { KeptChannel } from './link.ts';

/** A publish the broker refused or that could not be confirmed in time: the caller must know. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
}

/**
 * Publishes on a confirm channel and resolves only once the broker confirmed the message
 * (for a quorum queue: a majority of its replicas wrote it). A message whose channel died
 * before the confirm is sent again on the next channel, so an outage delays publishes but
 * loses none; a resend can duplicate a message, which consumers dedupe by event id. A broker
 * nack, or no confirm within `timeoutMs`, rejects with a PublishError.
 */
export async function publishConfirmed(
  channel: KeptChannel<ConfirmChannel>,
  timeoutMs: number,
  message: { exchange: string; routingKey: string; content: Buffer; options: Options.Publish; what: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const timedOut = () =>
    new PublishError(`${message.what} was not confirmed by RabbitMQ within ${timeoutMs} ms (is the broker reachable?)`);
  for (;;) {
    const open = await within(channel.current(), deadline, timedOut);
    const outcome = await within(confirm(open, message), deadline, timedOut);
    if (outcome === 'confirmed') return;
    if (outcome === 'nacked') throw new PublishError(`RabbitMQ refused ${message.what} (nack)`);
    // 'channel lost': wait for the next channel and send again.
  }
}

function confirm(
  channel: ConfirmChannel,
  {
    exchange,
    routingKey,
    content,
    options,
  }: { exchange: string; routingKey: string; content: Buffer; options: Options.Publish },
): Promise<'confirmed' | 'nacked' | 'channel lost'> {
  return new Promise((resolve) => {
    try {
      channel.publish(exchange, routingKey, content, options, (err: Error | null) => {
        if (!err) resolve('confirmed');
        else resolve(err.message === 'message nacked' ? 'nacked' : 'channel lost');
      });
    } catch {
      // amqplib throws synchronously when the channel is already closed.
      resolve('channel lost');
    }
  });
}
