import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { checkHistory, rabbitMqCluster, type HistoryEntry } from '@commlab/testkit';
import { appliedEvents, labClient, orderEvent } from './lab-client.ts';
import { clustersForThisFile } from './test-clusters.ts';

// Two of three RabbitMQ nodes gone: a quorum queue without a majority cannot commit, so no
// publish to it is confirmed. The order service keeps each event in its outbox until it is,
// and the notification service, deduplicating by event id, applies each once.
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

  it('keeps the events of every order it stored in its outbox while two of three nodes are down, and delivers each once when a majority is back', async () => {
    const history: HistoryEntry[] = [];
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
    const queue = `${lab.env('notification-rabbit').EVENT_NAMESPACE}.notification.order-events`;
    const leader = await rabbit.queueLeader(queue);
    // The leader's node and one more: the services fail over to the last node, which alone is no majority.
    const down = [leader, rabbit.nodes.find((node) => node !== leader)!];
    for (const node of down) await rabbit.node(node, 'kill');

    const during = [];
    for (let i = 0; i < 8; i++) during.push(await place());
    expect(during.filter((o) => o.status === 202).length, 'orders stored during the outage').toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await delivered(during.map((o) => o.id)), 'orders notified without a majority').toBe(0);

    await rabbit.start(); // both nodes back; cluster.sh waits until the cluster has three running nodes
    const stored = during.filter((o) => o.status === 202).map((o) => o.id);
    await until(
      'every stored order notified once a majority is back',
      async () => (await delivered(stored)) === stored.length,
      150_000,
    );
    const after = await rabbit.queueLeader(queue);
    if (after !== leader) history.push({ kind: 'leader-changed', what: `${queue}: ${leader} → ${after}` });
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
