import type { Channel } from 'amqplib';
import { fromAmqpMessage } from '@commlab/events';
import type { History } from '@commlab/testkit';

/**
 * Consumes `queue` as an idempotent consumer would, logging each event in `history`: applied on
 * its first arrival, redelivered on any later one. `seen` outlives a reconnect when passed in.
 * With `ackAfterMs`, each delivery is acked that long after it was applied, as a consumer that
 * acks in batches does: a broker going down then always finds deliveries applied and not yet
 * acked, and hands them out again once it is back.
 */
export async function recordArrivals(
  channel: Channel,
  queue: string,
  history: History,
  seen = new Set<string>(),
  { ackAfterMs = 0 }: { ackAfterMs?: number } = {},
): Promise<Set<string>> {
  const ack = (message: Parameters<Channel['ack']>[0]) => {
    try {
      channel.ack(message);
    } catch {
      // The channel is gone with the broker: the delivery comes again.
    }
  };
  await channel.consume(queue, (message) => {
    if (!message) return;
    const event = fromAmqpMessage(message);
    if (seen.has(event.id)) history.redelivered(event.id);
    else {
      seen.add(event.id);
      history.applied(event.id);
    }
    if (ackAfterMs > 0) setTimeout(() => ack(message), ackAfterMs);
    else ack(message);
  });
  return seen;
}
