import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Message, type Producer } from 'kafkajs';
import type { Send } from '../open-loop.ts';
import { endToEnd, type Stamp } from './messaging.ts';

export interface KafkaDriverOptions {
  brokers: string[];
  /** Partitions of the run's own topic (created for the run, deleted by close). Default 3. */
  partitions?: number;
  /** Producer settings, as in the project's bus by default: idempotent, acks=all, one request in flight. */
  idempotent?: boolean;
  acks?: -1 | 0 | 1;
  maxInFlightRequests?: number;
  /**
   * kafkajs has no linger.ms: each send is one request. With lingerMs > 0 messages wait up to
   * this long (or until `batchSize` are waiting) and leave together in one send, as a Java
   * producer's linger.ms and batch.size would batch them.
   */
  lingerMs?: number;
  batchSize?: number;
  /** Consumer fetch wait when the topic is idle (kafkajs default 5 s; lower answers sooner). */
  maxWaitTimeInMs?: number;
}

export interface KafkaDriver {
  /** Produce → consume: resolves when this run's consumer received the message. */
  endToEnd: Send;
  /** Produce only: resolves when the broker acknowledged the message. */
  produce: Send;
  topic: string;
  /** Messages consumed that no request waited for. */
  readonly strays: number;
  /** Disconnects and deletes the run's topic and consumer group. */
  close(): Promise<void>;
}

/**
 * Bare kafkajs, no project code: the baseline the project's bus is held against, and the
 * client of the batching experiment. Messages carry their run, sequence number and intended
 * send time (a Stamp, as JSON in the value), keyed over 16 keys so every partition is used.
 */
export async function kafkaDriver(options: KafkaDriverOptions): Promise<KafkaDriver> {
  const id = randomBytes(4).toString('hex');
  const topic = `bench.kafka.${id}`;
  const groupId = `bench.kafka.${id}`;
  const kafka = new Kafka({ clientId: `bench-${id}`, brokers: options.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: options.partitions ?? 3 }], waitForLeaders: true });
  const producer: Producer = kafka.producer({
    idempotent: options.idempotent ?? true,
    maxInFlightRequests: options.maxInFlightRequests ?? 1,
  });
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: options.maxWaitTimeInMs ?? 100 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  const acks = options.acks ?? -1;
  const track = endToEnd((stamp) => send(stamp));
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) track.arrived(JSON.parse(message.value.toString()) as Stamp);
    },
  });
  await joined;

  const messageOf = (stamp: Stamp): Message => ({ key: `k${stamp.seq % 16}`, value: JSON.stringify(stamp) });
  const send = options.lingerMs ? lingering(options.lingerMs, options.batchSize ?? 100) : direct;
  function direct(stamp: Stamp) {
    return producer.send({ topic, acks, messages: [messageOf(stamp)] });
  }
  function lingering(lingerMs: number, batchSize: number) {
    let batch: { message: Message; done: (err?: unknown) => void }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      const leaving = batch;
      batch = [];
      producer.send({ topic, acks, messages: leaving.map((b) => b.message) }).then(
        () => leaving.forEach((b) => b.done()),
        (err: unknown) => leaving.forEach((b) => b.done(err)),
      );
    };
    return (stamp: Stamp) =>
      new Promise<void>((resolve, reject) => {
        batch.push({ message: messageOf(stamp), done: (err) => (err ? reject(err as Error) : resolve()) });
        if (batch.length >= batchSize) flush();
        else timer ??= setTimeout(flush, lingerMs);
      });
  }

  return {
    endToEnd: track.send,
    produce: ({ seq, intendedAt }) => send({ run: id, seq: -1 - seq, sentAt: performance.timeOrigin + intendedAt }),
    topic,
    get strays() {
      return track.strays;
    },
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => {});
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    },
  };
}
