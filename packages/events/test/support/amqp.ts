import amqp, { type GetMessage, type Options } from 'amqplib';
import { until } from './wait.ts';

/** A plain amqplib client beside the adapter: to send what a broken producer would, and to read dead letters. */
export async function rawAmqp(url: string) {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  const queues = new Set<string>();
  const exchanges = new Set<string>();
  return {
    publish: (exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}) =>
      new Promise<void>((resolve, reject) =>
        channel.publish(exchange, routingKey, content, options, (err: Error | null) => (err ? reject(err) : resolve())),
      ),
    /** Takes `count` messages off a queue, waiting for them to arrive. */
    async take(queue: string, count: number): Promise<GetMessage[]> {
      const taken: GetMessage[] = [];
      await until(`${count} messages in ${queue}`, async () => {
        const message = await channel.get(queue, { noAck: true });
        if (message) taken.push(message);
        return taken.length >= count;
      });
      return taken;
    },
    /** Consumes a queue, returning every delivery to it (nack + requeue), as a crashing consumer would. */
    async returnEveryDelivery(queue: string) {
      const { consumerTag } = await channel.consume(queue, (message) => message && channel.nack(message, false, true));
      return { stop: () => channel.cancel(consumerTag) };
    },
    /** Declares a queue of the test's own (track it to have it deleted). */
    declare: async (queue: string, args: Record<string, unknown>) =>
      void (await channel.assertQueue(queue, { durable: true, arguments: args })),
    bind: (queue: string, exchange: string, key: string) => channel.bindQueue(queue, exchange, key),
    /** Messages waiting in a queue right now. */
    depth: async (queue: string) => (await channel.checkQueue(queue)).messageCount,
    /** Remembers broker objects a test made, to delete them afterwards. */
    track(names: { queues?: string[]; exchanges?: string[] }) {
      for (const q of names.queues ?? []) queues.add(q);
      for (const e of names.exchanges ?? []) exchanges.add(e);
    },
    async close() {
      for (const q of queues) await channel.deleteQueue(q).catch(() => {});
      for (const e of exchanges) await channel.deleteExchange(e).catch(() => {});
      await connection.close();
    },
  };
}
