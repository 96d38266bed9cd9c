import { createServer } from 'node:net';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRabbitMqBus, newEvent, PublishError, serviceBusNames, toKafkaMessage } from '@commlab/events';
import { labForThisFile } from '@commlab/lab/testing';
import { checkHistory, kafkaCluster, rabbitMqCluster, type Cluster, type HistoryEntry } from '@commlab/testkit';
import { appliedEvents, labClient, orderEvent, type Lane } from './lab-client.ts';
import { clustersForThisFile } from './test-clusters.ts';

// Two of three nodes gone, on each cluster in turn. Kafka: with min.insync.replicas=2 the last
// broker refuses every acks=all write. RabbitMQ: a quorum queue without a majority cannot
// commit, so no publish to it is confirmed. Either way the order service must not pretend: each
// order it answers 202 was stored with its event in the outbox, and those events wait there
// until a majority is back; the notification service, deduplicating by event id, applies each
// once. Each outage serves three claims: the broker's refusal, the outbox keeping, and a node
// that cannot come back failing its start at once with the reason. (The leader kills under
// load are packages/events/test/cluster/: 10,000 keyed events on Kafka, 1,000 on RabbitMQ.)
// One start of the lab serves both: its Kafka and its RabbitMQ halves share nothing.
const kafka = kafkaCluster();
const rabbit = rabbitMqCluster();
clustersForThisFile(kafka, rabbit);

describe('lab 11-high-availability: the order outbox with two of three nodes down', () => {
  const lab = labForThisFile('11-high-availability', { connect: labClient });
  let client: Kafka;
  let admin: Admin;
  beforeAll(async () => {
    client = new Kafka({ brokers: await kafka.brokers(), logLevel: logLevel.NOTHING });
    admin = client.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    // Every node back, whatever happened above.
    await kafka.start();
    await rabbit.start();
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

  /** One outage's record: what was placed, and when each step was done (a busy machine shows which was slow). */
  function outage(history: HistoryEntry[]) {
    const began = Date.now();
    return {
      step: (what: string) => console.info(`${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`),
      place: async (lane: Lane) => {
        const { status, id, body } = await lab.client.place(lane);
        // Stored (202, its event in the outbox) or refused (503); never anything in between.
        expect([202, 503], JSON.stringify(body)).toContain(status);
        if (id) history.push(orderEvent(id, status));
        return { status, id };
      },
      delivered: async (lane: Lane, ids: (string | undefined)[]) => {
        const told = new Set((await lab.client.notifications(lane)).map((n) => n.orderId));
        return ids.filter((id) => id && told.has(id)).length;
      },
      /** The checker's verdict once the consumer has taken everything the outbox held. */
      verdict: async (lane: Lane) => {
        const report = checkHistory([...history, ...appliedEvents(await lab.client.notifications(lane))]);
        console.info(`history: ${report.summary}`);
        expect(report.problems, report.summary).toEqual([]);
        expect(report.lost).toEqual([]);
        expect(report.duplicated).toEqual([]);
        expect(report.unexpected).toEqual([]);
      },
    };
  }

  it('refuses acks=all writes with two brokers down, keeps every stored order’s event in the outbox meanwhile, and delivers each once when they return', async () => {
    const history: HistoryEntry[] = [];
    const { step, place, delivered, verdict } = outage(history);

    // Before the fault: the topic exists with three replicas, and an order's events arrive.
    const warmUp = await place('kafka');
    await until('the first order notified', async () => (await delivered('kafka', [warmUp.id])) === 1, 60_000);
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
    for (let i = 0; i < 8; i++) during.push(await place('kafka'));
    expect(during.filter((o) => o.status === 202).length, 'orders stored during the outage').toBeGreaterThan(0);
    step('eight orders placed');
    // A broker that cannot come back (its port taken) fails its start at once, naming why, and
    // the events wait on: nothing of these orders reaches the consumer meanwhile.
    const blocked = kafka.brokerNode(down[1]!);
    const port = Number((await kafka.brokers())[down[1]! - 1]!.split(':')[1]);
    await failsToStartOnTakenPort(kafka, blocked, port);
    expect(
      await delivered(
        'kafka',
        during.map((o) => o.id),
      ),
      'orders notified while Kafka refused writes',
    ).toBe(0);

    await kafka.start(); // both brokers back; cluster.sh waits until all three are live
    step('both brokers back');
    const stored = during.filter((o) => o.status === 202).map((o) => o.id);
    await until(
      'every stored order notified once both brokers are back',
      async () => (await delivered('kafka', stored)) === stored.length,
      120_000,
    );
    step('every stored order notified');
    await verdict('kafka');
  }, 300_000);

  it('leaves publishes unconfirmed with two of three nodes down, keeps every stored order’s event in the outbox meanwhile, and delivers each once when a majority is back', async () => {
    const history: HistoryEntry[] = [];
    const { step, place, delivered, verdict } = outage(history);

    const warmUp = await place('rabbit');
    await until('the first order notified', async () => (await delivered('rabbit', [warmUp.id])) === 1, 60_000);
    step('first order notified');
    const namespace = lab.env('notification-rabbit').EVENT_NAMESPACE!;
    const queue = `${namespace}.notification.order-events`;
    const leader = await rabbit.queueLeader(queue);
    const term = await rabbit.queueTerm(queue);
    // The leader's node and one more: the services fail over to the last node, which alone is no majority.
    const down = [leader, rabbit.nodes.find((node) => node !== leader)!];
    const survivor = rabbit.nodes.find((node) => !down.includes(node))!;

    // A bus of the test's own on the survivor, with a quorum queue of its own in the lab's
    // namespace (the lab's clean-up deletes it): the publisher's view of the outage.
    const urls = (await rabbit.url()).split(',');
    const probe = await createRabbitMqBus({
      url: urls[rabbit.nodes.indexOf(survivor)]!,
      exchange: `${namespace}.ha-probe`,
      publishTimeoutMs: 3_000,
    });
    const probeType = 'commlab.test.ha-probe.v1';
    // Bound to a queue, so a probe is routed to one (an unroutable publish is confirmed at once).
    await probe.subscribe({ group: `${namespace}.ha-probe`, types: [probeType] }, async () => {});
    try {
      for (const node of down) await rabbit.node(node, 'kill');
      step('two nodes killed');

      // The leader cannot commit without a second replica: no confirm comes, and each publish
      // ends as "unknown" (sent, maybe stored) after the bus's timeout, never as success.
      const outcomes = await Promise.all(
        [1, 2, 3].map((n) =>
          probe.publish(newEvent({ source: '/test/ha', type: probeType, subject: `probe-${n}`, data: {} })).then(
            () => 'confirmed',
            (err: unknown) => (err instanceof PublishError ? err.outcome : String(err)),
          ),
        ),
      );
      expect(outcomes).toEqual(['unknown', 'unknown', 'unknown']);
      step('publishes left unconfirmed');

      const during = [];
      for (let i = 0; i < 8; i++) during.push(await place('rabbit'));
      expect(during.filter((o) => o.status === 202).length, 'orders stored during the outage').toBeGreaterThan(0);
      step('eight orders placed');
      // A node that cannot come back (its AMQP port taken) fails its start at once, naming why.
      const blocked = down[1]!;
      const port = Number(new URL(urls[rabbit.nodes.indexOf(blocked)]!).port);
      await failsToStartOnTakenPort(rabbit, blocked, port);
      expect(
        await delivered(
          'rabbit',
          during.map((o) => o.id),
        ),
        'orders notified without a majority',
      ).toBe(0);

      await rabbit.start(); // both nodes back; cluster.sh waits until the cluster has three running nodes
      step('both nodes back');
      const stored = during.filter((o) => o.status === 202).map((o) => o.id);
      await until(
        'every stored order notified once a majority is back',
        async () => (await delivered('rabbit', stored)) === stored.length,
        150_000,
      );
    } finally {
      await probe.close();
    }
    step('every stored order notified');
    // The leader's node was killed, so the queue elected again once a majority was back, even
    // when its old node won: the term tells, where the node name may not.
    const after = await rabbit.queueLeader(queue);
    const termAfter = await rabbit.queueTerm(queue);
    if (termAfter > term) {
      history.push({
        kind: 'leader-changed',
        what: `${queue}: ${leader} (term ${term}) → ${after} (term ${termAfter})`,
      });
    }
    // A publish left unconfirmed during the outage is written once a majority is back, and the
    // outbox sent it again: the consumer saw it twice and applied it once.
    for (const line of await lab.logs('notification-rabbit')) {
      const eventId = line.includes('duplicate event ignored') ? /"eventId":"([^"]+)"/.exec(line)?.[1] : undefined;
      if (eventId) history.push({ kind: 'redelivered', id: eventId });
    }
    await verdict('rabbit');
  }, 300_000);
});
/** A node whose port another process holds fails its start at once, and says so. */
async function failsToStartOnTakenPort(cluster: Cluster, node: string, port: number) {
  // Clients that try the port (the services' own reconnects) are turned away at once, so
  // close() never waits on one of them.
  const squatter = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  try {
    await expect(cluster.node(node, 'start')).rejects.toThrow(`port ${port} (${node}) is in use`);
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
}

/** True when Kafka refused the write before appending it (not enough in-sync replicas). */
function notEnoughReplicas(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e;) {
    if (e.type === 'NOT_ENOUGH_REPLICAS') return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}
