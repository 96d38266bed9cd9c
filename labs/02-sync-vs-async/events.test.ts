import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryEventTypes, orderEventTypes } from '@commlab/contracts/events';
import {
  deadLetterReason,
  openEventBus,
  rabbitMqNames,
  serviceBusNames,
  type CloudEvent,
  type EventBus,
} from '@commlab/events';
import { labForThisFile } from '@commlab/lab/testing';
import { labClient } from './lab-client.ts';

// At-least-once delivery means duplicates; consumers must make them harmless. And an event
// that can never be processed must not block its queue: it is dead-lettered with its reason.
describe('lab 02-sync-vs-async events', () => {
  const lab = labForThisFile('02-sync-vs-async', { connect: labClient });
  let bus: EventBus;
  let amqp: ChannelModel;
  let raw: ConfirmChannel;
  let names: ReturnType<typeof serviceBusNames>;
  const tapped: CloudEvent[] = [];

  beforeAll(async () => {
    const env = lab.env('order-async');
    const settings = { AMQP_URL: env.AMQP_URL!, EVENT_NAMESPACE: env.EVENT_NAMESPACE! };
    // The tap dead-letters the poison below too; only its errors are worth printing.
    const quiet = { info() {}, warn() {}, error: console.error };
    bus = (await openEventBus({ ...settings, EVENT_BUS: 'rabbitmq', KAFKA_BROKERS: '' }, quiet))!;
    await bus.subscribe(
      { group: 'lab-test.tap', types: [orderEventTypes.placed, inventoryEventTypes.stockReserved] },
      async (event) => void tapped.push(event),
    );
    names = serviceBusNames(settings.EVENT_NAMESPACE);
    amqp = await connect(settings.AMQP_URL);
    raw = await amqp.createConfirmChannel();
  });
  afterAll(async () => {
    await amqp?.close();
    await bus?.close();
  });

  /**
   * Every consumer handles its queue in order, so once an order placed after some events is
   * confirmed and notified, inventory, order and notification have all handled those events.
   */
  async function barrier() {
    const { body } = await lab.client.place('order-async', [{ sku: 'MP-009', quantity: 1 }], `barrier-${randomUUID()}`);
    await lab.client.settled('order-async', body.id);
    await lab.client.notificationsUntil(`orderId=${body.id}`, (items) => items.some((n) => n.status === 'confirmed'));
  }

  const tappedFor = async (type: string, orderId: string) => {
    await expect.poll(() => tapped.some((e) => e.type === type && e.subject === orderId)).toBe(true);
    return tapped.find((e) => e.type === type && e.subject === orderId)!;
  };

  it('a redelivered order.placed reserves the stock once, and a redelivered stock result confirms once', async () => {
    const before = await lab.client.stockOf('DK-006');
    const { body } = await lab.client.place('order-async', [{ sku: 'DK-006', quantity: 2 }], 'customer-dup');
    expect((await lab.client.settled('order-async', body.id)).status).toBe('confirmed');
    const placed = await tappedFor(orderEventTypes.placed, body.id);
    const reserved = await tappedFor(inventoryEventTypes.stockReserved, body.id);

    for (const event of [placed, placed, reserved, reserved]) await bus.publish(event);
    await barrier();

    expect((await lab.client.stockOf('DK-006')).reserved).toBe(before.reserved + 2);
    expect((await lab.client.get('order-async', body.id)).status).toBe('confirmed');
    const told = await lab.client.notifications(`orderId=${body.id}`);
    expect(told.map((n) => n.type)).toEqual([orderEventTypes.placed, orderEventTypes.confirmed]);
    // Recognised by event id, recorded with the effect: each consumer said so.
    for (const service of ['order-async', 'notification']) {
      const logs = await lab.logs(service);
      expect(
        logs.some((line) => line.includes('duplicate event ignored')),
        service,
      ).toBe(true);
    }
  });

  const ce = (type: string, subject: string) => ({
    'cloudEvents:specversion': '1.0',
    'cloudEvents:id': randomUUID(),
    'cloudEvents:source': '/lab-test',
    'cloudEvents:type': type,
    'cloudEvents:subject': subject,
    'cloudEvents:time': new Date().toISOString(),
  });
  const orderId = randomUUID();
  const brokenOrder = { orderId, status: 'pending', lines: [{ sku: 'HD-004', quantity: 1 }], createdAt: 'now' };

  // Each consumer group dead-letters into its own queue (`<queue>.dlq`); these groups are the
  // services' (services/*/src/main.ts, services/order/src/service.ts).
  it.each([
    [
      'an order.placed whose data breaks the contract',
      'inventory.stock-requests',
      orderEventTypes.placed,
      ce(orderEventTypes.placed, orderId),
      JSON.stringify(brokenOrder),
      /customerId/,
    ],
    [
      'a message that is not a CloudEvent',
      'notification.order-events',
      orderEventTypes.placed,
      {},
      'hello',
      /missing CloudEvents attribute/,
    ],
    [
      'an event whose data is not JSON',
      'inventory.stock-requests',
      orderEventTypes.placed,
      ce(orderEventTypes.placed, orderId),
      '{"orderId":',
      /not valid JSON/,
    ],
    [
      'a stock result for an order the order service never stored',
      'order.stock-results',
      inventoryEventTypes.stockReserved,
      ce(inventoryEventTypes.stockReserved, orderId),
      JSON.stringify({ orderId, lines: [{ sku: 'HD-004', quantity: 1 }] }),
      /no order/,
    ],
  ])('dead-letters %s with the reason, and nothing changes', async (_label, group, type, headers, body, reason) => {
    const stockBefore = await lab.client.stockOf('HD-004');
    const messageId = randomUUID();
    raw.publish(names.exchange, type, Buffer.from(body), {
      headers,
      messageId,
      contentType: 'application/json',
      persistent: true,
    });
    await raw.waitForConfirms();

    const dead = await deadLetter(rabbitMqNames(names.exchange, names.group(group)).deadLetterQueue, messageId);
    expect(deadLetterReason(dead.properties.headers)).toMatch(reason);
    expect(await lab.client.stockOf('HD-004')).toEqual(stockBefore);
    expect(await lab.client.notifications(`orderId=${orderId}`)).toEqual([]);
  });

  /** Reads the dead-letter queue until the message with this id arrives. */
  async function deadLetter(queue: string, messageId: string): Promise<GetMessage> {
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const message = await raw.get(queue, { noAck: true });
      if (message && message.properties.messageId === messageId) return message;
      if (!message) await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`message ${messageId} was not dead-lettered`);
  }
});
