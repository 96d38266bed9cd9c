import { metrics, type BatchObservableResult, type Meter, type ObservableGauge } from '@opentelemetry/api';
import type { Admin } from 'kafkajs';
import { within } from './within.ts';

// How far behind a consumer is, asked of the broker each time the metrics are collected (a
// Prometheus scrape of the service's metrics port): gauges under the names the widely used
// exporters give them — kafka_exporter for Kafka, RabbitMQ's own rabbitmq_prometheus plugin
// (per-object) for RabbitMQ — so a rule or dashboard written for those works on these, and the
// other way round. Only @opentelemetry/api is used: without the SDK (the telemetry preload,
// packages/telemetry) no callback is ever called and no broker is asked anything.

/** One collection may wait this long for the broker; a broker that does not answer leaves the gauges out. */
const askTimeoutMs = 2_000;

interface Gauges {
  lag: ObservableGauge;
  committed: ObservableGauge;
  high: ObservableGauge;
  ready: ObservableGauge;
  unacked: ObservableGauge;
  consumers: ObservableGauge;
}

const made = new WeakMap<Meter, Gauges>();

// Made once per meter, when the first subscription starts (the preload has set up the SDK by
// then). No unit: an exporter that appends units to names would change the names.
function gaugesOf(meter: Meter): Gauges {
  const known = made.get(meter);
  if (known) return known;
  const gauge = (name: string, description: string) => meter.createObservableGauge(name, { description });
  const gauges: Gauges = {
    lag: gauge('kafka_consumergroup_lag', 'Messages of a partition the consumer group has not committed yet'),
    committed: gauge(
      'kafka_consumergroup_current_offset',
      "The consumer group's committed offset of a partition (-1: none yet)",
    ),
    high: gauge('kafka_topic_partition_current_offset', "A partition's high watermark: the offset of its next message"),
    ready: gauge('rabbitmq_queue_messages_ready', 'Messages in a queue waiting to be delivered to a consumer'),
    unacked: gauge(
      'rabbitmq_queue_messages_unacked',
      'Messages delivered to this consumer and not acknowledged yet (add up every instance for the queue)',
    ),
    consumers: gauge('rabbitmq_queue_consumers', 'Consumers attached to a queue'),
  };
  made.set(meter, gauges);
  return gauges;
}

/** One partition as the broker reports it for a group. */
export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** The offset the next message will get (the high watermark). */
  high: number;
  /** The oldest offset still on the partition. */
  low: number;
  /** The group's committed offset: the next message it will read; -1 when it has committed none. */
  committed: number;
}

/**
 * What the group still has to read on a partition: from its committed offset, or — with none
 * yet — from the oldest message kept (a group with no offset starts there, fromBeginning).
 */
export function lagOf(p: PartitionOffsets): number {
  return Math.max(0, p.high - (p.committed >= 0 ? p.committed : p.low));
}

/** Asks Kafka for the high watermarks of `topics` and the group's committed offsets on them. */
export async function kafkaOffsets(
  admin: Admin,
  group: string,
  topics: readonly string[],
): Promise<PartitionOffsets[]> {
  const [committed, ...ends] = await Promise.all([
    admin.fetchOffsets({ groupId: group, topics: [...topics] }),
    ...topics.map((topic) => admin.fetchTopicOffsets(topic)),
  ]);
  const commits = new Map(
    committed.flatMap(({ topic, partitions }) => partitions.map((p) => [`${topic}/${p.partition}`, Number(p.offset)])),
  );
  return topics.flatMap((topic, i) =>
    ends[i]!.map((p) => ({
      topic,
      partition: p.partition,
      high: Number(p.high),
      low: Number(p.low),
      committed: commits.get(`${topic}/${p.partition}`) ?? -1,
    })),
  );
}

/**
 * Reports a Kafka consumer group's lag per topic and partition while the subscription runs:
 * `kafka_consumergroup_lag`, `kafka_consumergroup_current_offset` (labels consumergroup, topic,
 * partition) and `kafka_topic_partition_current_offset` (topic, partition). The group's view,
 * not one member's: every instance reports the same numbers (take the max, not the sum).
 * Returns the function that stops it.
 */
export function observeKafkaLag(admin: Admin, group: string, topics: readonly string[]): () => void {
  const meter = metrics.getMeter('@commlab/events');
  const g = gaugesOf(meter);
  const observe = async (result: BatchObservableResult) => {
    const offsets = await within(
      kafkaOffsets(admin, group, topics),
      Date.now() + askTimeoutMs,
      () => new Error(`Kafka did not report the offsets of ${group} within ${askTimeoutMs} ms`),
    );
    for (const p of offsets) {
      const partition = { topic: p.topic, partition: String(p.partition) };
      result.observe(g.lag, lagOf(p), { consumergroup: group, ...partition });
      result.observe(g.committed, p.committed, { consumergroup: group, ...partition });
      result.observe(g.high, p.high, partition);
    }
  };
  meter.addBatchObservableCallback(observe, [g.lag, g.committed, g.high]);
  return () => meter.removeBatchObservableCallback(observe, [g.lag, g.committed, g.high]);
}

export interface QueueProbe {
  queue: string;
  vhost: string;
  /** The broker's counts for the queue (a passive declare), or undefined while there is no channel to ask on. */
  check(): Promise<{ messageCount: number; consumerCount: number } | undefined>;
  /** Deliveries this consumer holds and has not settled yet. */
  unacked(): number;
}

/**
 * Reports a RabbitMQ queue's depth while the subscription runs: `rabbitmq_queue_messages_ready`
 * and `rabbitmq_queue_consumers` as the broker counts them (the answer to a passive queue
 * declare), `rabbitmq_queue_messages_unacked` as this consumer counts its own unsettled
 * deliveries — a passive declare does not tell unacknowledged messages, and only the
 * management API would; each instance reports its own, so their sum is the queue's.
 * Returns the function that stops it.
 */
export function observeQueueDepth(probe: QueueProbe): () => void {
  const meter = metrics.getMeter('@commlab/events');
  const g = gaugesOf(meter);
  const labels = { vhost: probe.vhost, queue: probe.queue };
  const observe = async (result: BatchObservableResult) => {
    result.observe(g.unacked, probe.unacked(), labels);
    const counts = await within(
      probe.check(),
      Date.now() + askTimeoutMs,
      () => new Error(`RabbitMQ did not report the depth of ${probe.queue} within ${askTimeoutMs} ms`),
    );
    if (!counts) return;
    result.observe(g.ready, counts.messageCount, labels);
    result.observe(g.consumers, counts.consumerCount, labels);
  };
  meter.addBatchObservableCallback(observe, [g.ready, g.unacked, g.consumers]);
  return () => meter.removeBatchObservableCallback(observe, [g.ready, g.unacked, g.consumers]);
}

/** The virtual host an AMQP URL names: its path, decoded; `/` when it names none. */
export function vhostOf(url: string): string {
  const path = new URL(url).pathname.slice(1);
  return path ? decodeURIComponent(path) : '/';
}
