import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRabbitMqBus, newEvent, PublishError } from '@commlab/events';
import { labForThisFile } from '@commlab/lab/testing';
import { checkHistory, rabbitMqCluster, type HistoryEntry } from '@commlab/testkit';
import { appliedEvents, labClient, orderEvent } from './lab-client.ts';
import { clustersForThisFile } from './test-clusters.ts';

// Two of three RabbitMQ nodes gone: a quorum queue without a majority cannot commit, so no
// publish to it is confirmed. The order service keeps each event in its outbox until it is,
// and the notification service, deduplicating by event id, applies each once. One outage
// serves three claims: publishes left unconfirmed, the outbox keeping, and a node that cannot
// come back failing its start at once with the reason (the leader-node kill under confirmed
// publishing and consuming is packages/events/test/cluster/rabbitmq-cluster.test.ts).
const rabbit = rabbitMqCluster();
clustersForThisFile(rabbit);

describe('lab 11-high-availability: the order outbox over the RabbitMQ cluster', () => {
  const lab = labForThisFile('11-high-availability', {
    services: ['order-rabbit', 'notification-rabbit'],
    connect: labClient,
  });

  async function until(what: string, done: () => Promise<boolean>, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('leaves publishes unconfirmed with two of three nodes down, keeps every stored order’s event in the outbox meanwhile, and delivers each once when a majority is back', async () => {
    const history: HistoryEntry[] = [];
    // Where the time goes, in the test output: a busy machine shows which step was slow.
    const began = Date.now();
    const step = (what: string) => console.info(`${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`);
    const place = async () => {
      const { status, id, body } = await lab.client.place('rabbit');
      expect([202, 503], JSON.stringify(body)).toContain(status);
      if (id) history.push(orderEvent(id, status));
      return { status, id };
    };
    const delivered = async (ids: (string | undefined)[]) => {
      const told = new Set((await lab.client.notifications('rabbit')).map((n) => n.orderId));
      return ids.filter((id) => id && told.has(id)).length;
    };

    const warmUp = await place();
    await until('the first order notified', async () => (await delivered([warmUp.id])) === 1, 60_000);
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
      for (let i = 0; i < 8; i++) during.push(await place());
      expect(during.filter((o) => o.status === 202).length, 'orders stored during the outage').toBeGreaterThan(0);
      step('eight orders placed');
      // A node that cannot come back (its AMQP port taken) fails its start at once, naming why.
      const blocked = down[1]!;
      const port = Number(new URL(urls[rabbit.nodes.indexOf(blocked)]!).port);
      // Clients that try the port (the services' own reconnects) are turned away at once, so
      // close() never waits on one of them.
      const squatter = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
      try {
        await expect(rabbit.node(blocked, 'start')).rejects.toThrow(`port ${port} (${blocked}) is in use`);
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
      expect(await delivered(during.map((o) => o.id)), 'orders notified without a majority').toBe(0);

      await rabbit.start(); // both nodes back; cluster.sh waits until the cluster has three running nodes
      step('both nodes back');
      const stored = during.filter((o) => o.status === 202).map((o) => o.id);
      await until(
        'every stored order notified once a majority is back',
        async () => (await delivered(stored)) === stored.length,
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
    const report = checkHistory([...history, ...appliedEvents(await lab.client.notifications('rabbit'))]);
    console.info(`history: ${report.summary}`);
    expect(report.problems, report.summary).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.unexpected).toEqual([]);
  }, 300_000);
});
