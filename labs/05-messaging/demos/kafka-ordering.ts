/**
 * Kafka keeps order per partition, not per topic. The producer picks a message's partition
 * from its key — here the order id — so every event of one order lands on one partition and
 * is read in the order it was written, while different orders spread over the partitions
 * and are consumed in parallel by the group's members.
 */
import { Partitioners } from 'kafkajs';
import { createKafkaBus, newEvent } from '@commlab/events';
import { brokers } from './brokers.ts';
import { consumerTiming, deleteTopics, runAsScript, runId, until, type Print } from './support.ts';

const steps = ['placed', 'reserved', 'paid', 'shipped'];
const orders = ['order-1', 'order-2', 'order-3', 'order-4', 'order-5', 'order-6'];
const partitions = 3;

export interface OrderingOutcome {
  /** Per order: its partition and the steps in the order they were consumed. */
  orders: Record<string, { partition: number; steps: string[] }>;
  inOrder: boolean;
}

export async function kafkaOrdering(print: Print): Promise<OrderingOutcome> {
  const run = runId();
  const topic = `lab05.orders.${run}`;
  const group = `lab05.ordering.${run}`;
  const bus = await createKafkaBus({ brokers: brokers.kafka, topicOf: () => topic, partitions, consumerTiming });
  const outcome: OrderingOutcome = { orders: {}, inOrder: false };
  for (const id of orders) outcome.orders[id] = { partition: partitionOf(id), steps: [] };
  try {
    // Two members of one group share the topic's three partitions.
    for (let member = 0; member < 2; member++) {
      await bus.subscribe({ group, types: ['commlab.order.step.v1'] }, async (event) => {
        outcome.orders[event.subject]!.steps.push((event.data as { step: string }).step);
      });
    }
    // Interleaved, as a busy shop would produce them: every order's first step, then every second...
    for (const step of steps) {
      for (const id of orders)
        await bus.publish(newEvent({ source: '/lab05', type: 'commlab.order.step.v1', subject: id, data: { step } }));
    }
    const consumed = () => Object.values(outcome.orders).reduce((n, o) => n + o.steps.length, 0);
    await until('every event consumed', () => consumed() >= orders.length * steps.length);
  } finally {
    await bus.close();
    await deleteTopics([topic, `${group}.dlt`]);
  }

  outcome.inOrder = Object.values(outcome.orders).every((o) => o.steps.join() === steps.join());
  print(
    `published ${orders.length * steps.length} events for ${orders.length} orders to a topic with ${partitions} partitions, key = order id`,
  );
  for (const [id, { partition, steps: seen }] of Object.entries(outcome.orders)) {
    print(`  ${id}  partition ${partition}  ${seen.join(' → ')}`);
  }
  print(
    `two consumers shared the partitions; every order's events arrived in the order published: ${outcome.inOrder ? 'yes' : 'NO'}`,
  );
  return outcome;
}

/** The partition the producer's default partitioner (murmur2 of the key, as Java clients do) picks. */
function partitionOf(key: string): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
  return partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}

if (import.meta.main) runAsScript(kafkaOrdering);
