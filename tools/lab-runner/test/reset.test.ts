import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, labAt, loadLab, nativeInfra, resetLab } from '@commlab/lab/runner';
import { startLab, type LabUnderTest } from '@commlab/lab/testing';

const infra = nativeInfra();

/** Asks on a channel of its own, because asking about a missing queue or exchange closes the channel. */
async function ask<T>(connection: ChannelModel, question: (channel: Channel) => Promise<T>): Promise<T | undefined> {
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  try {
    const answer = await question(channel);
    await channel.close();
    return answer;
  } catch {
    return undefined;
  }
}
/** How many messages wait in a queue; undefined when there is no such queue. */
const queueDepth = (connection: ChannelModel, queue: string) =>
  ask(connection, async (channel) => (await channel.checkQueue(queue)).messageCount);
const exchangeExists = async (connection: ChannelModel, exchange: string) =>
  (await ask(connection, async (channel) => channel.checkExchange(exchange))) !== undefined;

describe('pnpm lab reset on a real lab 01', () => {
  let spec: Lab;
  let lab: LabUnderTest;
  let amqpConnection: ChannelModel;
  let namespace: string;
  let dataDir: string;
  const target = () => ({ at: lab, dataDir, namespaces: [namespace], infra });

  beforeAll(async () => {
    spec = await loadLab('01-tour');
    lab = await startLab('01-tour');
    namespace = lab.env('order').EVENT_NAMESPACE!;
    dataDir = dirname(lab.env('order').DATA_DIR!);
    amqpConnection = await amqp.connect(infra['rabbitmq.url']!);
  });
  afterAll(async () => {
    const channel = await amqpConnection?.createChannel();
    await channel?.deleteQueue(`${namespace}-other.survivor`);
    await amqpConnection?.close();
    await lab?.stop();
  });

  it('refuses while the lab runs, and deletes nothing', async () => {
    const outcomes = await resetLab(spec, target());

    expect(outcomes).toEqual([
      expect.objectContaining({ ok: false, text: expect.stringMatching(/^01-tour is still running: \w+ answers on/) }),
    ]);
    expect(existsSync(join(dataDir, 'order'))).toBe(true);
  });

  it("deletes the stopped lab's data and its queues and exchanges, and leaves another namespace's queue", async () => {
    // An order placed while notification is away leaves its events waiting in notification's queue.
    const queue = `${namespace}.notification.order-events`;
    await lab.stopService('notification');
    const placed = await fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'reader-reset', lines: [{ sku: 'CB-007', quantity: 1 }] }),
    });
    expect(placed.status).toBe(201);
    await expect.poll(() => queueDepth(amqpConnection, queue), { timeout: 10_000 }).toBeGreaterThan(0);
    // Same beginning, different namespace: it must survive.
    await (await amqpConnection.createChannel()).assertQueue(`${namespace}-other.survivor`);
    expect(await exchangeExists(amqpConnection, `${namespace}.events`)).toBe(true);
    for (const name of Object.keys(spec.services)) await lab.stopService(name);

    const outcomes = await resetLab(spec, target());

    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes.map((o) => o.text)).toContainEqual(expect.stringMatching(/^data: deleted .*\(.*order.*\)$/));
    expect(outcomes.map((o) => o.text)).toContainEqual(expect.stringContaining(queue));
    expect(existsSync(dataDir)).toBe(false);
    expect(await queueDepth(amqpConnection, queue)).toBeUndefined();
    expect(await queueDepth(amqpConnection, `${namespace}.dead-letters`)).toBeUndefined();
    expect(await exchangeExists(amqpConnection, `${namespace}.events`)).toBe(false);
    expect(await queueDepth(amqpConnection, `${namespace}-other.survivor`)).toBe(0);
  });
});

describe('pnpm lab reset on a lab that uses Kafka (05-messaging)', () => {
  const namespace = `commlab-test-${randomBytes(4).toString('hex')}`;
  const admin = new Kafka({ brokers: infra['kafka.brokers']!.split(','), logLevel: logLevel.NOTHING }).admin();

  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [`${namespace}-other.orders`] }).catch(() => {});
    await admin.disconnect();
  });

  it("deletes the namespace's topics and leaves another namespace's", async () => {
    const spec = await loadLab('05-messaging');
    await admin.createTopics({
      topics: [`${namespace}.orders`, `${namespace}.orders.dlt`, `${namespace}-other.orders`].map((topic) => ({
        topic,
      })),
    });
    const at = labAt(spec, { mode: 'native', infra });

    const outcomes = await resetLab(spec, {
      at,
      dataDir: mkdtempSync(join(tmpdir(), 'commlab-reset-')),
      namespaces: [namespace],
      infra,
    });

    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes.map((o) => o.text)).toContainEqual(
      `Kafka: deleted 2 topics (${namespace}.orders, ${namespace}.orders.dlt) and no consumer group`,
    );
    const left = await admin.listTopics();
    expect(left).not.toContain(`${namespace}.orders`);
    expect(left).toContain(`${namespace}-other.orders`);
  });
});
