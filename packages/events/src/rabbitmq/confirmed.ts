import type { ConfirmChannel, Options } from 'amqplib';
import { within } from '../within.ts';
import type { KeptChannel } from './link.ts';

/**
 * What a publisher knows about a message it could not get confirmed. `failed`: the broker
 * does not have it (it nacked the message, or the message never left this process).
 * `unknown`: it was sent and no confirm came back — the node died, or a quorum queue had no
 * majority to write it — so it may be stored and delivered later, or not at all. A caller
 * that must not lose it (an outbox) sends it again; consumers dedupe by event id.
 */
export type PublishOutcome = 'failed' | 'unknown';

/** A publish the broker refused or that could not be confirmed in time: the caller must know. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  readonly outcome: PublishOutcome;

  constructor(message: string, outcome: PublishOutcome) {
    super(message);
    this.outcome = outcome;
  }
}

export interface ConfirmPolicy {
  timeoutMs: number;
  /**
   * A message whose channel closed before its confirm (its node died) is sent again on the
   * next channel, to whichever node the link reconnected to: an outage delays publishes but
   * loses none, and a confirm only ever means that this copy was written. False: such a
   * publish rejects at once with outcome `unknown` and the caller decides.
   */
  resendUnconfirmed: boolean;
}

/**
 * Publishes on a confirm channel and resolves only once the broker confirmed the message
 * (for a quorum queue: a majority of its replicas wrote it). A confirm that was outstanding
 * when the channel died never counts as success: the message is sent again (a resend can
 * duplicate it, which consumers dedupe by event id), or, with `resendUnconfirmed` off, the
 * publish rejects as `unknown`. A broker nack, or no confirm within `timeoutMs`, rejects with
 * a PublishError saying whether the message may still be stored.
 */
export async function publishConfirmed(
  channel: KeptChannel<ConfirmChannel>,
  policy: ConfirmPolicy,
  message: { exchange: string; routingKey: string; content: Buffer; options: Options.Publish; what: string },
): Promise<void> {
  const deadline = Date.now() + policy.timeoutMs;
  // Once one copy went out unconfirmed, no later failure can say "not stored".
  let sent = false;
  const outcome = (): PublishOutcome => (sent ? 'unknown' : 'failed');
  const timedOut = () =>
    new PublishError(
      `${message.what} was not confirmed by RabbitMQ within ${policy.timeoutMs} ms (is the broker reachable?)` +
        (sent ? '; it was sent, so it may still be stored' : ''),
      outcome(),
    );
  for (;;) {
    const open = await within(channel.current(), deadline, timedOut);
    const result = await within(
      confirm(open, message, () => (sent = true)),
      deadline,
      timedOut,
    );
    if (result === 'confirmed') return;
    if (result === 'nacked') throw new PublishError(`RabbitMQ refused ${message.what} (nack)`, outcome());
    if (!policy.resendUnconfirmed && sent) {
      throw new PublishError(
        `${message.what} was sent but its channel closed before RabbitMQ confirmed it; it may or may not be stored`,
        'unknown',
      );
    }
    // 'channel lost': wait for the next channel (on whichever node answers) and send again.
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
  onSent: () => void,
): Promise<'confirmed' | 'nacked' | 'channel lost'> {
  return new Promise((resolve) => {
    try {
      channel.publish(exchange, routingKey, content, options, (err: Error | null) => {
        if (!err) resolve('confirmed');
        else resolve(err.message === 'message nacked' ? 'nacked' : 'channel lost');
      });
      onSent();
    } catch {
      // amqplib throws synchronously when the channel is already closed.
      resolve('channel lost');
    }
  });
}
