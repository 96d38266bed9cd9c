import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceBusNames } from '@commlab/events';
import { labForThisFile } from '@commlab/lab/testing';
import { checkHistory, kafkaCluster, type HistoryEntry } from '@commlab/testkit';
import { appliedEvents, labClient, orderEvent } from './lab-client.ts';
import { clustersForThisFile } from './test-clusters.ts';

// Two of three Kafka brokers gone: with min.insync.replicas=2 the last one refuses every
// acks=all write. The order service must not pretend: each order it answers 202 was stored
// with its event in the outbox, and those events wait there until the brokers are back.
const kafka = kafkaCluster();
clustersForThisFile(kafka);

describe('lab 11-high-availability: the order outbox over the Kafka cluster', () => {
  const lab = labForThisFile('11-high-availability', {
    services: ['order-kafka', 'notification-kafka'],
    connect: labClient,
  });
  let admin: Admin;
  beforeAll(async () => {
    admin = new Kafka({ brokers: await kafka.brokers(), logLevel: logLevel.NOTHING }).admin();
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

  it('keeps the events of every order it stored in its outbox while two brokers are down, and delivers each once when they return', async () => {
    const history: HistoryEntry[] = [];
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
    const topic = serviceBusNames(lab.env('order-kafka').EVENT_NAMESPACE!).topicOf('commlab.order.placed.v1');
    expect((await partitions(topic)).map((p) => p.replicas.length)).toEqual([3, 3, 3]);

    const leader = (await partitions(topic)).find((p) => p.partitionId === 0)!.leader;
    const down = [leader, leader === 1 ? 2 : 1];
    for (const id of down) await kafka.node(kafka.brokerNode(id), 'kill');
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

    const during = [];
    for (let i = 0; i < 8; i++) during.push(await place());
    expect(during.filter((o) => o.status === 202).length, 'orders stored during the outage').toBeGreaterThan(0);
    // Held, not lost and not half-sent: nothing of these orders reaches the consumer.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await delivered(during.map((o) => o.id)), 'orders notified while Kafka refused writes').toBe(0);

    await kafka.start(); // both brokers back; cluster.sh waits until all three are live
    const stored = during.filter((o) => o.status === 202).map((o) => o.id);
    await until(
      'every stored order notified once both brokers are back',
      async () => (await delivered(stored)) === stored.length,
      120_000,
    );
    // The notification consumer has taken everything the outbox held: the checker's verdict.
    const report = checkHistory([...history, ...appliedEvents(await lab.client.notifications('kafka'))]);
    console.info(`history: ${report.summary}`);
    expect(report.problems, report.summary).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.unexpected).toEqual([]);
  }, 300_000);
});
