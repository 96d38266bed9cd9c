import { Kafka, logLevel, type KafkaMessage, type Message } from 'kafkajs';
import { uniqueName, until } from './wait.ts';

/** A plain kafkajs client beside the adapter: to send what a broken producer would, and to read dead letters. */
export async function rawKafka(brokers: string[]) {
  const kafka = new Kafka({ brokers, clientId: 'commlab-test', logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const topics = new Set<string>();
  return {
    kafka,
    admin,
    send: (topic: string, messages: Message[]) => producer.send({ topic, messages }),
    /** Reads `count` messages of a topic from its beginning, as a throwaway group. */
    async take(topic: string, count: number): Promise<KafkaMessage[]> {
      const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 500 });
      const taken: KafkaMessage[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => void taken.push(message) });
        await until(`${count} messages on ${topic}`, () => taken.length >= count);
      } finally {
        await consumer.disconnect();
      }
      return taken;
    },
    /** How many partitions of a topic hold at least one message. */
    async partitionsUsed(topic: string): Promise<number> {
      return (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > Number(p.low)).length;
    },
    track(...names: string[]) {
      for (const name of names) topics.add(name);
    },
    async close() {
      if (topics.size > 0) await admin.deleteTopics({ topics: [...topics] }).catch(() => {});
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    },
  };
}
