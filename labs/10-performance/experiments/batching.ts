import { closedLoop, openLoop, Report, type Experiment, type RunResult, type Send } from '@commlab/bench';
import { kafkaDriver } from '@commlab/bench/drivers/kafka';
import { rabbitMqDriver } from '@commlab/bench/drivers/rabbitmq';
import { createKafkaBus, createRabbitMqBus, newEvent, type EventBus } from '@commlab/events';
import { benchNamespace, dropKafka, dropRabbitMq } from './brokers.ts';

const type = 'commlab.bench.batch.v1';

/** An event the size of an order event, for the project's bus. */
function event(seq: number) {
  return newEvent({
    source: '/commlab/bench',
    type,
    subject: `order-${seq % 64}`,
    data: { seq, sku: 'CB-007', quantity: 1 },
  });
}

/** Experiment 7: batching — Kafka linger and batch size; RabbitMQ confirms one at a time or pipelined. */
export const batching: Experiment = {
  name: 'batching',
  title: '7. Batching: Kafka linger and batch size, RabbitMQ pipelined confirms',
  question: 'How much throughput does batching buy, and what latency does it cost?',
  async run(context) {
    const report = new Report('batching', this.title, { question: this.question, short: context.short });
    const { kafkaBrokers: brokers, amqpUrl } = context.infra;
    const durationMs = context.short ? 400 : 4_000;
    const warmupMs = context.short ? 100 : 1_000;
    const closed = (name: string, send: Send, concurrency: number, options: { baseline?: string } = {}) => {
      context.progress(`${name}: closed loop, ${concurrency} in flight`);
      return closedLoop(send, { concurrency, durationMs, warmupMs }).then((r) => report.add(name, r, options));
    };

    // Kafka: the same open-loop rate, sent as it comes or lingering to fill batches.
    const rate = context.short ? 200 : 2_000;
    const lingers = [
      ['linger 0 (one send per message)', {}],
      ['linger 5 ms, batches up to 100', { lingerMs: 5, batchSize: 100 }],
      ['linger 20 ms, batches up to 500', { lingerMs: 20, batchSize: 500 }],
    ] as const;
    for (const [name, options] of context.short ? lingers.slice(0, 2) : lingers) {
      const kafka = await kafkaDriver({ brokers, ...options });
      try {
        context.progress(`Kafka ${name}: produce → consume at ${rate}/s`);
        await closedLoop(kafka.endToEnd, { concurrency: 1, durationMs: 60_000, maxRequests: 1, timeoutMs: 60_000 });
        report.add(`Kafka e2e, ${name} @ ${rate}/s`, await openLoop(kafka.endToEnd, { rate, durationMs, warmupMs }));
        await closed(`Kafka produce, ${name}`, kafka.produce, 200);
      } finally {
        await kafka.close();
      }
    }
    report.ratio(
      'Kafka produce, linger 5 ms / linger 0, msgs/s',
      'Kafka produce, linger 5 ms, batches up to 100',
      'Kafka produce, linger 0 (one send per message)',
    );

    // The project's Kafka publisher against bare kafkajs at the same settings (idempotent,
    // acks=all, one request in flight, one message per send), 20 publishes in flight.
    const kafkaNs = benchNamespace();
    const kafkaBus = await createKafkaBus({ brokers, topicOf: () => `${kafkaNs}.events` });
    const bare = await kafkaDriver({ brokers });
    try {
      await closed('Kafka publish, bare kafkajs', bare.produce, 20);
      await closed("Kafka publish, project's bus", ({ seq }) => kafkaBus.publish(event(seq)), 20, {
        baseline: 'Kafka publish, bare kafkajs',
      });
      report.ratio(
        "project's Kafka publisher / bare kafkajs, msgs/s",
        "Kafka publish, project's bus",
        'Kafka publish, bare kafkajs',
        {
          atLeast: 0.9,
        },
      );
    } finally {
      await bare.close();
      await kafkaBus.close();
      await dropKafka(brokers, [`${kafkaNs}.events`], []);
    }

    // RabbitMQ: a confirm per publish, awaited one at a time or many in flight on the channel.
    // The project's bus publishes to its exchange; a subscription binds a quorum queue, so every
    // message is written (and confirmed) by a replicated queue, as in the services.
    const rabbitNs = benchNamespace();
    const exchange = `${rabbitNs}.events`;
    const group = `${rabbitNs}.sink`;
    let bus: EventBus | undefined;
    const rabbit = await rabbitMqDriver({ url: amqpUrl });
    try {
      bus = await createRabbitMqBus({ url: amqpUrl, exchange });
      const sink = await bus.subscribe({ group, types: [type] }, async () => {});
      const publish: Send = ({ seq }) => bus!.publish(event(seq));
      const runs: Record<string, RunResult> = {};
      runs.bareSequential = await closed('RabbitMQ confirms, bare amqplib, one at a time', rabbit.publishConfirmed, 1);
      runs.barePipelined = await closed('RabbitMQ confirms, bare amqplib, 100 in flight', rabbit.publishConfirmed, 100);
      await closed("RabbitMQ confirms, project's bus, one at a time", publish, 1);
      await closed("RabbitMQ confirms, project's bus, 100 in flight", publish, 100, {
        baseline: 'RabbitMQ confirms, bare amqplib, 100 in flight',
      });
      report.ratio(
        "RabbitMQ pipelined / sequential confirms, project's bus",
        "RabbitMQ confirms, project's bus, 100 in flight",
        "RabbitMQ confirms, project's bus, one at a time",
        { atLeast: 20 },
      );
      report.ratio(
        'RabbitMQ pipelined / sequential confirms, bare amqplib',
        'RabbitMQ confirms, bare amqplib, 100 in flight',
        'RabbitMQ confirms, bare amqplib, one at a time',
      );
      await sink.close();
    } finally {
      await rabbit.close();
      await bus?.close();
      await dropRabbitMq(amqpUrl, exchange, [group]);
    }
    report.note(
      'kafkajs has no linger.ms: each send() is one produce request, so the driver holds messages for the linger ' +
        'time (or until the batch is full) and sends them together, as the Java client does. Batching trades a few ' +
        'milliseconds of latency for far fewer requests. A confirm waited for one at a time costs a round trip and ' +
        'a quorum write each; with many in flight the broker confirms them in groups (multiple=true).',
    );
    return report;
  },
};
