import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderEventTypes } from '@commlab/contracts/events';
import { serviceBusNames } from '@commlab/events';
import { labForThisFile } from '@commlab/lab/testing';
import { labClient } from './lab-client.ts';

// The guide's switch, `EVENT_BUS=kafka ./lab up 02-sync-vs-async`: the same services, the
// same async checkout, with Kafka carrying the events instead of RabbitMQ. Its stop deletes
// the run's topics and consumer groups, as `pnpm lab reset` would.
describe('lab 02-sync-vs-async over Kafka', () => {
  const lab = labForThisFile('02-sync-vs-async', { eventBus: 'kafka', connect: labClient });
  let admin: Admin;

  beforeAll(async () => {
    admin = new Kafka({
      brokers: lab.env('order-async').KAFKA_BROKERS!.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  it('confirms an async checkout once inventory answered by event over Kafka', async () => {
    const before = await lab.client.stockOf('MS-002');
    const { response, body } = await lab.client.place(
      'order-async',
      [{ sku: 'MS-002', quantity: 2 }],
      'customer-kafka',
    );
    expect(response.status).toBe(202);
    expect(body.status).toBe('pending');

    expect((await lab.client.settled('order-async', body.id)).status).toBe('confirmed');
    expect((await lab.client.stockOf('MS-002')).reserved).toBe(before.reserved + 2);
    const told = await lab.client.notificationsUntil(`orderId=${body.id}`, (items) => items.length >= 2);
    expect(told.map((n) => n.type)).toEqual([orderEventTypes.placed, orderEventTypes.confirmed]);
  });

  it("rejects an order inventory cannot fill, with inventory's reason", async () => {
    const { body } = await lab.client.place('order-async', [{ sku: 'CH-011', quantity: 6 }]);
    expect((await lab.client.settled('order-async', body.id)).status).toBe('rejected');
  });

  it("carried the events on the lab's own Kafka topic, and inventory's group committed what it read", async () => {
    const names = serviceBusNames(lab.env('order-async').EVENT_NAMESPACE!);
    const orders = names.topicOf(orderEventTypes.placed);
    const written = async () => sum((await admin.fetchTopicOffsets(orders)).map((p) => p.high));
    const read = async () => {
      const [topic] = await admin.fetchOffsets({ groupId: names.group('inventory.stock-requests'), topics: [orders] });
      return sum(topic!.partitions.map((p) => p.offset));
    };
    expect((await admin.fetchTopicOffsets(orders)).length).toBe(3);
    // At least the placed and settled events of the two orders above.
    expect(await written()).toBeGreaterThanOrEqual(4);
    // Offsets are committed after processing, so they reach the end once inventory is idle.
    await expect.poll(async () => (await read()) === (await written()), { timeout: 20_000 }).toBe(true);
  });

  it('reports each service ready with its Kafka connection', async () => {
    for (const name of ['order-sync', 'order-async', 'notification']) {
      const response = await fetch(`${lab.url(name)}/readyz`);
      expect(response.status).toBe(200);
      const ready = (await response.json()) as { checks: { name: string; ok: boolean }[] };
      expect(ready.checks).toContainEqual({ name: 'event bus', ok: true });
    }
  });
});

/** Total of per-partition offsets; -1 (nothing committed yet) counts as 0. */
function sum(offsets: string[]): number {
  return offsets.reduce((total, offset) => total + Math.max(0, Number(offset)), 0);
}
