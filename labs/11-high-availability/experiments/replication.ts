import { closedLoop, openLoop, Report, type Experiment, type Send } from '@commlab/bench';
import { kafkaDriver } from '@commlab/bench/drivers/kafka';
import { rabbitMqDriver } from '@commlab/bench/drivers/rabbitmq';
import { ensureInfra } from '@commlab/lab/runner';
import { kafkaCluster, rabbitMqCluster } from '@commlab/testkit';

/**
 * What replication costs: produce/publish throughput and p99 on one node beside the
 * three-node clusters (infra/kafka-cluster, infra/rabbitmq-cluster), on this machine, in one
 * run. Kafka: acks=1 vs acks=all, on the single broker (replication factor 1) and on the
 * cluster (3 replicas, min.insync.replicas 2). RabbitMQ: a classic vs a quorum queue, on the
 * single node and on the cluster (a quorum queue there has 3 replicas; a classic one lives on
 * one node). Each configuration runs twice: a closed loop (its throughput at 16 in flight) and
 * an open loop at a fixed rate below every configuration's capacity (its p99 at equal load).
 * The single nodes are the machine's shared brokers (KAFKA_BROKERS / AMQP_URL, else the local
 * defaults); `pnpm lab bench` starts the clusters (and stops what it started).
 */
export const replication: Experiment = {
  name: 'replication',
  title: 'One node vs three: what replication costs a producer',
  question:
    'How much throughput and p99 latency do acks=all on three Kafka brokers and a three-replica quorum queue cost?',
  async run(context) {
    const report = new Report('replication', this.title, { question: this.question, short: context.short });
    const bounds = context.short ? { durationMs: 500, warmupMs: 100 } : { durationMs: 5_000, warmupMs: 1_000 };
    const concurrency = 16;
    const rate = 200;
    /** Runs one configuration in both loops; `setup` makes its driver, `close` tears it down. */
    const measure = async (name: string, setup: () => Promise<{ send: Send; close: () => Promise<void> }>) => {
      context.progress(name);
      const { send, close } = await setup();
      try {
        report.add(name, await closedLoop(send, { concurrency, ...bounds }));
        report.add(`${name} @ ${rate}/s`, await openLoop(send, { rate, ...bounds }));
      } finally {
        await close();
      }
    };
    // The baselines: the machine's single broker and node (started here when this machine can).
    if (!(await ensureInfra(['kafka', 'rabbitmq']))) throw new Error('the single-node baselines are not reachable');
    const single = { kafka: context.infra.kafkaBrokers, rabbitmq: context.infra.amqpUrl.split(',')[0]! };
    const cluster = {
      kafka: await kafkaCluster().brokers(),
      // The bench driver takes one URL: it connects to the first node; the queue's replicas are where the cluster puts them.
      rabbitmq: (await rabbitMqCluster().url()).split(',')[0]!,
    };

    // Not idempotent, any number of requests in flight: only acks differs between the two
    // Kafka rows of a setup (the project's bus adds idempotence and one request in flight).
    for (const [where, brokers] of [
      ['1 broker', single.kafka],
      ['3 brokers', cluster.kafka],
    ] as const) {
      for (const acks of [1, -1] as const) {
        await measure(`Kafka ${where}, acks=${acks === -1 ? 'all' : '1'}`, async () => {
          const driver = await kafkaDriver({ brokers, acks, idempotent: false, maxInFlightRequests: concurrency });
          return { send: driver.produce, close: () => driver.close() };
        });
      }
    }
    for (const [where, url] of [
      ['1 node', single.rabbitmq],
      ['3 nodes', cluster.rabbitmq],
    ] as const) {
      for (const queueType of ['classic', 'quorum'] as const) {
        await measure(`RabbitMQ ${where}, ${queueType} queue`, async () => {
          const driver = await rabbitMqDriver({ url, queueType });
          return { send: driver.publishConfirmed, close: () => driver.close() };
        });
      }
    }

    report.ratio('Kafka throughput, acks=all: 3 brokers / 1', 'Kafka 3 brokers, acks=all', 'Kafka 1 broker, acks=all');
    report.ratio(
      'Kafka throughput on 3 brokers: acks=all / acks=1',
      'Kafka 3 brokers, acks=all',
      'Kafka 3 brokers, acks=1',
    );
    report.ratio(
      `Kafka p99 at ${rate}/s, acks=all: 3 brokers / 1`,
      `Kafka 3 brokers, acks=all @ ${rate}/s`,
      `Kafka 1 broker, acks=all @ ${rate}/s`,
      { metric: 'p99' },
    );
    report.ratio(
      'RabbitMQ throughput, quorum queue: 3 nodes / 1',
      'RabbitMQ 3 nodes, quorum queue',
      'RabbitMQ 1 node, quorum queue',
    );
    report.ratio(
      'RabbitMQ throughput on 3 nodes: quorum / classic',
      'RabbitMQ 3 nodes, quorum queue',
      'RabbitMQ 3 nodes, classic queue',
    );
    report.ratio(
      `RabbitMQ p99 at ${rate}/s, quorum queue: 3 nodes / 1`,
      `RabbitMQ 3 nodes, quorum queue @ ${rate}/s`,
      `RabbitMQ 1 node, quorum queue @ ${rate}/s`,
      { metric: 'p99' },
    );
    report.note(
      'All nodes share this machine’s cores, so three nodes compete with each other (and with the client) for CPU: ' +
        'on separate machines the network would cost more and the CPU less.',
    );
    report.note(
      'The single Kafka broker is infra/kafka (G1, heap up to 512 MiB); the cluster’s brokers run Serial GC with 192 MiB. ' +
        'The single RabbitMQ node is the machine’s own; compare ratios within this run, not with other machines.',
    );
    return report;
  },
};
