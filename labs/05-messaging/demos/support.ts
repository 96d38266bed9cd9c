import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { brokers } from './brokers.ts';

/** Each demo prints through this, so the tests can read what a reader sees. */
export type Print = (line: string) => void;

/** Demo runs never share queues or topics (a reader and CI may run one at the same time). */
export const runId = () => randomBytes(3).toString('hex');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(20);
  }
}

/** Deletes what a RabbitMQ demo declared: demos leave the broker as they found it. */
export async function deleteAmqp(names: { queues?: string[]; exchanges?: string[] }): Promise<void> {
  const connection = await amqp.connect(brokers.amqpUrl);
  const channel = await connection.createChannel();
  for (const queue of names.queues ?? []) await channel.deleteQueue(queue);
  for (const exchange of names.exchanges ?? []) await channel.deleteExchange(exchange);
  await connection.close();
}

/** Deletes what a Kafka demo created. */
export async function deleteTopics(topics: string[]): Promise<void> {
  const admin = new Kafka({ brokers: brokers.kafka, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics });
  await admin.disconnect();
}

/** Runs a demo as a script (`node labs/05-messaging/demos/<demo>.ts`): prints to the terminal, exit 1 on failure. */
export function runAsScript(demo: (print: Print) => Promise<unknown>): void {
  demo((line) => console.log(line)).catch((err: Error) => {
    console.error(`demo failed: ${err.message}`);
    process.exitCode = 1;
  });
}

/**
 * Members notice a rebalance at their next heartbeat; kafkajs' default of 3 s would make
 * every join in the demos wait that long.
 */
export const consumerTiming = { heartbeatInterval: 500, sessionTimeout: 10_000 };
