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
 * publish rejects as `unknown`. A nacked message is sent again on a fresh channel until the
 * deadline. No confirm within `timeoutMs` rejects with a PublishError saying whether the
 * message may still be stored.
 */
export async function publishConfirmed(
  channel: KeptChannel<ConfirmChannel>,
  policy: ConfirmPolicy,
  message: { exchange: string; routingKey: string; content: Buffer; options: Options.Publish; what: string },
): Promise<void> {
  const deadline = Date.now() + policy.timeoutMs;
  // Once a copy went out and its confirm was lost, no later failure can say "not stored".
  let mayBeStored = false;
  let inFlight = false;
  let nacks = 0;
  const timedOut = () => {
    const outcome: PublishOutcome = mayBeStored || inFlight ? 'unknown' : 'failed';
    const why = nacks > 0 ? `; RabbitMQ nacked it ${nacks} time${nacks > 1 ? 's' : ''}` : ' (is the broker reachable?)';
    return new PublishError(
      `${message.what} was not confirmed by RabbitMQ within ${policy.timeoutMs} ms${why}` +
        (outcome === 'unknown' ? '; it was sent, so it may still be stored' : ''),
      outcome,
    );
  };
  for (;;) {
    const open = await within(channel.current(), deadline, timedOut);
    const result = await within(
      confirm(open, message, () => (inFlight = true)),
      deadline,
      timedOut,
    );
    inFlight = false;
    if (result === 'confirmed') return;
    if (result === 'nacked') {
      // This copy is surely not stored. A queue that is full nacks until it drains; and
      // RabbitMQ 3.10 nacks every publish of a channel opened while a quorum queue was
      // electing a new leader (a node just died), for as long as that channel lives. So:
      // a fresh channel, a short pause, and again.
      nacks++;
      channel.replace(open);
      await within(pause(Math.min(1_000, 50 * nacks)), deadline, timedOut);
      continue;
    }
    if (result === 'lost after sending') {
      mayBeStored = true;
      if (!policy.resendUnconfirmed) {
        throw new PublishError(
          `${message.what} was sent but its channel closed before RabbitMQ confirmed it; it may or may not be stored`,
          'unknown',
        );
      }
    }
    // Wait for the next channel (on whichever node answers) and send again. A channel that
    // refused the publish at once is closing but may still be the current one until its
    // close event: yield to the event loop, or this loop would spin without ever seeing it.
    if (result === 'not sent') await within(pause(10), deadline, timedOut);
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function confirm(
  channel: ConfirmChannel,
  {
    exchange,
    routingKey,
    content,
    options,
  }: { exchange: string; routingKey: string; content: Buffer; options: Options.Publish },
  onSent: () => void,
): Promise<'confirmed' | 'nacked' | 'lost after sending' | 'not sent'> {
  return new Promise((resolve) => {
    let sent = false;
    try {
      channel.publish(exchange, routingKey, content, options, (err: Error | null) => {
        if (!err) resolve('confirmed');
        else if (err.message === 'message nacked') resolve('nacked');
        else resolve(sent ? 'lost after sending' : 'not sent');
      });
      sent = true;
      onSent();
    } catch {
      // amqplib throws synchronously when the channel is already closed.
      resolve('not sent');
    }
  });
}
