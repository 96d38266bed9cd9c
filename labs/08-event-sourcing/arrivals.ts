import type { Channel } from 'amqplib';
import { fromAmqpMessage } from '@commlab/events';
import type { History } from '@commlab/testkit';

/**
 * Consumes `queue` as an idempotent consumer would, logging each event in `history`: applied on
 * its first arrival, redelivered on any later one. `seen` outlives a reconnect when passed in.
 */
export async function recordArrivals(
  channel: Channel,
  queue: string,
  history: History,
  seen = new Set<string>(),
): Promise<Set<string>> {
  await channel.consume(queue, (message) => {
    if (!message) return;
    const event = fromAmqpMessage(message);
    if (seen.has(event.id)) history.redelivered(event.id);
    else {
      seen.add(event.id);
      history.applied(event.id);
    }
    channel.ack(message);
  });
  return seen;
}
