import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import type { EventBus } from '../bus.ts';
import type { CloudEvent } from '../envelope.ts';
import { silentLog, type BusLog } from '../log.ts';
import { openSubscriptions } from '../subscriptions.ts';
import { defaultTopicOf } from '../types.ts';
import { observeKafkaLag } from '../backlog.ts';
import { toKafkaMessage } from '../wire/kafka-binding.ts';
import { sendTraced } from '../tracing.ts';
import { roundTrip } from '../within.ts';
import { kafkaClient } from './client.ts';
import { coalescingSender } from './coalescing.ts';
import { consumeKafka, type ConsumerTiming } from './consumer.ts';
import { replayGroup, type ReplayFrom } from './replay.ts';
import { deadLetterTopicOf, ensureTopics, type TopicLayout } from './topics.ts';

export interface KafkaBusOptions {
  /** Bootstrap servers, e.g. ['127.0.0.1:9092']. */
  brokers: readonly string[];
  clientId?: string;
  /** Which topic an event type lives on; default: its domain (`commlab.order.placed.v1` → `commlab.order`). */
  topicOf?: (type: string) => string;
  partitions?: number;
  /** Copies of each partition; default: the cluster's default.replication.factor (see TopicLayout). */
  replicationFactor?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  fromBeginning?: boolean;
  consumerTiming?: ConsumerTiming;
  log?: BusLog;
}

export interface KafkaBus extends EventBus {
  topicOf(type: string): string;
  /** Rewinds a (stopped) consumer group on a topic; see replay.ts. */
  replay(options: { group: string; topic: string; from: ReplayFrom }): Promise<{ partition: number; offset: string }[]>;
}

export const kafkaDefaults = {
  partitions: 3,
  maxAttempts: 5,
  retryDelayMs: 1_000,
  fromBeginning: true,
};

/**
 * The event bus on Kafka: an idempotent producer with acks=all (a retried send is never
 * written twice, and a send resolves once every in-sync replica has it), keys = subjects
 * (order ids), topics created with the lab's partition count, and one consumer group per
 * subscription with offsets committed after processing.
 */
export async function createKafkaBus(options: KafkaBusOptions): Promise<KafkaBus> {
  const log = options.log ?? silentLog;
  const layout: TopicLayout = {
    partitions: options.partitions ?? kafkaDefaults.partitions,
    replicationFactor: options.replicationFactor,
  };
  const topicOf = options.topicOf ?? defaultTopicOf;
  const kafka = kafkaClient(options.brokers, options.clientId ?? `commlab-events-${randomUUID().slice(0, 8)}`, log);
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    // One request in flight per broker keeps retried batches in order.
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await admin.connect();
  await producer.connect().catch(async (err: unknown) => {
    await admin.disconnect();
    throw err;
  });

  const ensured = new Map<string, Promise<void>>();
  const ensure = (topics: string[]) =>
    Promise.all(
      topics.map((topic) => {
        let ready = ensured.get(topic);
        if (!ready) {
          ready = ensureTopics(admin, [topic], layout);
          ready.catch(() => ensured.delete(topic));
          ensured.set(topic, ready);
        }
        return ready;
      }),
    );
  const subscriptions = openSubscriptions();
  const send = coalescingSender((topicMessages) => producer.sendBatch({ acks: -1, topicMessages }));

  return {
    topicOf,

    publish: async (event: CloudEvent) => {
      const topic = topicOf(event.type);
      await ensure([topic]);
      await sendTraced(
        event,
        { system: 'kafka', destination: topic, attributes: { 'messaging.kafka.message.key': event.subject } },
        (traced) => send(topic, toKafkaMessage(traced)),
      );
    },

    subscribe: async ({ group, types }, handler) => {
      const topics = [...new Set(types.map(topicOf))];
      const deadLetterTopic = deadLetterTopicOf(group);
      await ensure([...topics, deadLetterTopic]);
      const subscription = await consumeKafka(
        kafka,
        producer,
        {
          group,
          types,
          topics,
          deadLetterTopic,
          maxAttempts: options.maxAttempts ?? kafkaDefaults.maxAttempts,
          retryDelayMs: options.retryDelayMs ?? kafkaDefaults.retryDelayMs,
          fromBeginning: options.fromBeginning ?? kafkaDefaults.fromBeginning,
          consumerTiming: options.consumerTiming ?? {},
          log,
        },
        handler,
      );
      // Its lag for Prometheus (a no-op without the telemetry preload), asked of the admin client.
      const stopObserving = observeKafkaLag(admin, group, topics);
      return subscriptions.track({
        close: () => {
          stopObserving();
          return subscription.close();
        },
      });
    },

    replay: (request) => replayGroup(kafka, admin, request),

    // kafkajs reconnects by itself on the next request; asking for the cluster is that request.
    ping: () => roundTrip(admin.describeCluster(), 'Kafka'),

    close: async () => {
      await subscriptions.closeAll();
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}
