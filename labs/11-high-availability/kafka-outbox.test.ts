import { createServer } from 'node:net';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent, serviceBusNames, toKafkaMessage } from '@commlab/events';
import { labForThisFile } from '@commlab/lab/testing';
import { checkHistory, kafkaCluster, type HistoryEntry } from '@commlab/testkit';
import { appliedEvents, labClient, orderEvent } from './lab-client.ts';
import { clustersForThisFile } from './test-clusters.ts';

// Two of three Kafka brokers gone: with min.insync.replicas=2 the last one refuses every
// acks=all write. The order service must not pretend: each order it answers 202 was stored
// with its event in the outbox, and those events wait there until the brokers are back. One
// outage serves three claims: the broker's refusal, the outbox keeping, and a broker that
// cannot come back failing its start at once with the reason (the mid-stream leader kill under
// 10,000 events is packages/events/test/cluster/kafka-cluster.test.ts).
const kafka = kafkaCluster();
clustersForThisFile(kafka);

describe('lab 11-high-availability: the order outbox over the Kafka cluster', () => {
  const lab = labForThisFile('11-high-availability', {
    services: ['order-kafka', 'notification-kafka'],
    connect: labClient,
  });
  let client: Kafka;
  let admin: Admin;
  beforeAll(async () => {
    client = new Kafka({ brokers: await kafka.brokers(), logLevel: logLevel.NOTHING });
    admin = client.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await kafka.start(); // every broker back, whatever happened above
  });

  const partitions = async (topic: string) =>
    (await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => ({ topics: [] }))).topics[0]?.partitions ?? [];

  /** Polls until `done`; a cluster that never gets there fails the test saying what it waited for. */
  async function until(what: string, done: () => Promise<boolean>, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('refuses acks=all writes with two brokers down, keeps every stored order’s event in the outbox meanwhile, and delivers each once when they return', async () => {
    const history: HistoryEntry[] = [];
    // Where the time goes, in the test output: a busy machine shows which step was slow.
    const began = Date.now();
    const step = (what: string) => console.info(`${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`);
    const place = async () => {
      const { status, id, body } = await lab.client.place('kafka');
      // Stored (202, its event in the outbox) or refused (503); never anything in between.
      expect([202, 503], JSON.stringify(body)).toContain(status);
      if (id) history.push(orderEvent(id, status));
      return { status, id };
    };
    const delivered = async (ids: (string | undefined)[]) => {
      const told = new Set((await lab.client.notifications('kafka')).map((n) => n.orderId));
      return ids.filter((id) => id && told.has(id)).length;
    };

    // Before the fault: the topic exists with three replicas, and an order's events arrive.
    const warmUp = await place();
    await until('the first order notified', async () => (await delivered([warmUp.id])) === 1, 60_000);
    step('first order notified');
    const topic = serviceBusNames(lab.env('order-kafka').EVENT_NAMESPACE!).topicOf('commlab.order.placed.v1');
    expect((await partitions(topic)).map((p) => p.replicas.length)).toEqual([3, 3, 3]);

    const leader = (await partitions(topic)).find((p) => p.partitionId === 0)!.leader;
    const down = [leader, leader === 1 ? 2 : 1];
    for (const id of down) await kafka.node(kafka.brokerNode(id), 'kill');
    step('two brokers killed');
    await until(
      `brokers ${down.join(' and ')} fenced (every in-sync replica set down to one broker)`,
      async () => {
        const now = await partitions(topic);
        return now.length === 3 && now.every((p) => p.isr.length === 1 && !down.includes(p.leader));
      },
      30_000,
    );
    const survivor = (await partitions(topic)).find((p) => p.partitionId === 0)!.leader;
    history.push({ kind: 'leader-changed', what: `${topic} partition 0: broker ${leader} → ${survivor}` });
    step('both fenced');

    // The broker's own answer to an acks=all write, one event per request and no retries:
    // refused before it is appended, so none of these can ever reach the consumer.
    const probe = client.producer({ retry: { retries: 0 } });
    await probe.connect();
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const event = newEvent({ source: '/test/ha', type: 'commlab.order.placed.v1', subject: `probe-${i}`, data: {} });
      await probe.send({ topic, acks: -1, messages: [toKafkaMessage(event)] }).then(
        () => answers.push('stored'),
        (err: unknown) => answers.push(notEnoughReplicas(err) ? 'NOT_ENOUGH_REPLICAS' : String(err)),
      );
    }
    await probe.disconnect();
    expect(answers).toEqual(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS']);
    step('acks=all refused');

    const during = [];
    for (let i = 0; i < 8; i++) during.push(await place());
    expect(during.filter((o) => o.status === 202).length, 'orders stored during the outage').toBeGreaterThan(0);
    step('eight orders placed');
    // A broker that cannot come back (its port taken) fails its start at once, naming why, and
    // the events wait on: nothing of these orders reaches the consumer meanwhile.
    const blocked = kafka.brokerNode(down[1]!);
    const port = Number((await kafka.brokers())[down[1]! - 1]!.split(':')[1]);
    // Clients that try the port (the services' own reconnects) are turned away at once, so
    // close() never waits on one of them.
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(kafka.node(blocked, 'start')).rejects.toThrow(`port ${port} (${blocked}) is in use`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    expect(await delivered(during.map((o) => o.id)), 'orders notified while Kafka refused writes').toBe(0);

    await kafka.start(); // both brokers back; cluster.sh waits until all three are live
    step('both brokers back');
    const stored = during.filter((o) => o.status === 202).map((o) => o.id);
    await until(
      'every stored order notified once both brokers are back',
      async () => (await delivered(stored)) === stored.length,
      120_000,
    );
    // The notification consumer has taken everything the outbox held: the checker's verdict.
    step('every stored order notified');
    const report = checkHistory([...history, ...appliedEvents(await lab.client.notifications('kafka'))]);
    console.info(`history: ${report.summary}`);
    expect(report.problems, report.summary).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.unexpected).toEqual([]);
  }, 300_000);
});

/** True when Kafka refused the write before appending it (not enough in-sync replicas). */
function notEnoughReplicas(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e;) {
    if (e.type === 'NOT_ENOUGH_REPLICAS') return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}
