import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { deadLetterTopicOf, rabbitMqNames } from '@commlab/events';

/** A namespace of the run's own for the project's bus: nothing it creates is shared with anyone. */
export function benchNamespace(): string {
  return `bench-${randomBytes(4).toString('hex')}`;
}

/** Deletes what the project's Kafka bus created for a run: its topics, dead-letter topics and groups. */
export async function dropKafka(brokers: string[], topics: string[], groups: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteGroups(groups).catch(() => {});
  await admin.deleteTopics({ topics: [...topics, ...groups.map(deadLetterTopicOf)] }).catch(() => {});
  await admin.disconnect();
}

/** Deletes what the project's RabbitMQ bus declared for a run: the group queues and both exchanges. */
export async function dropRabbitMq(url: string, exchange: string, groups: string[]): Promise<void> {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  for (const group of groups) {
    const names = rabbitMqNames(exchange, group);
    await channel.deleteQueue(names.queue);
    await channel.deleteQueue(names.deadLetterQueue);
  }
  await channel.deleteExchange(`${exchange}.dlx`);
  await channel.deleteExchange(exchange);
  await connection.close();
}
