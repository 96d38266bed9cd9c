import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createKafkaBus,
  createRabbitMqBus,
  deadLetterReasonHeader,
  deadLetterTopicOf,
  newEvent,
  type CloudEvent,
  type EventBus,
} from '@commlab/events';
import { amqpUrl, kafkaBrokers } from '@commlab/testkit';
import { eventIdentity, signerFromFile, trustFromFiles } from '../src/event-identity.ts';
import { producerTrust, signEvent, type SignableEvent } from '../src/producer-identity.ts';

const order = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const inventory = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const trust = producerTrust({
  'spiffe://commlab/order': { key: order.publicKey, source: '/commlab/order', types: ['commlab.order.*'] },
  'spiffe://commlab/inventory': {
    key: inventory.publicKey,
    source: '/commlab/inventory',
    types: ['commlab.inventory.*'],
  },
});
const asOrder = eventIdentity({ signer: { identity: 'spiffe://commlab/order', privateKey: order.privateKey } });
const consumer = eventIdentity({ trust });

const placed = (subject: string) =>
  newEvent({
    source: '/commlab/order',
    type: 'commlab.order.placed.v1',
    subject,
    data: { orderId: subject, customerId: 'reader-1' },
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });
const signedBy = (event: CloudEvent, identity: string, privateKey: typeof order.privateKey) =>
  signEvent(event as unknown as SignableEvent, { identity, privateKey }) as unknown as CloudEvent;

/**
 * The events a consumer must refuse, each published to the real broker exactly as an attacker
 * or a broken producer could, and the start of the reason it must be dead-lettered with.
 */
const refused = (): { row: string; event: CloudEvent; reason: string }[] => {
  const genuine = signedBy(placed('order-altered'), 'spiffe://commlab/order', order.privateKey);
  return [
    { row: 'no producer identity', event: placed('order-unsigned'), reason: 'producer refused: unsigned' },
    {
      row: 'a forged one (signed by a key nobody trusts, naming order)',
      event: signedBy(placed('order-forged'), 'spiffe://commlab/order', attacker.privateKey),
      reason: 'producer refused: the signature of spiffe://commlab/order does not verify',
    },
    {
      row: 'a producer not allowed that type (inventory emitting order.placed)',
      event: signedBy(placed('order-forbidden'), 'spiffe://commlab/inventory', inventory.privateKey),
      reason: 'producer refused: spiffe://commlab/inventory may not emit commlab.order.placed.v1 from /commlab/order',
    },
    {
      row: 'a genuine event altered after signing',
      event: { ...genuine, data: { orderId: 'order-altered', customerId: 'reader-2' } },
      reason: 'producer refused: altered after spiffe://commlab/order signed it',
    },
  ];
};

/** Subscribes a group whose handler records what it applied, publishes every row, waits for the genuine one. */
async function exchange(bus: EventBus, group: string) {
  const applied: CloudEvent[] = [];
  const subscription = await bus.subscribe(
    { group, types: ['commlab.order.placed.v1'] },
    consumer.handler(async (event) => void applied.push(event)),
  );
  const rows = refused();
  for (const { event } of rows) await bus.publish(event);
  const genuine = placed('order-genuine');
  await asOrder.publisher(bus).publish(genuine);
  await until(() => applied.length > 0);
  return { applied, rows, genuine, subscription };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const unique = (prefix: string) => `test.${prefix}.${crypto.randomUUID().slice(0, 8)}`;

describe('caller identity through the brokers', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('over RabbitMQ: dead-letters a missing, forged, forbidden or altered producer with the reason and applies only the genuine event', async () => {
    const url = await amqpUrl();
    const exchangeName = unique('identity');
    const group = unique('notification');
    const bus = await createRabbitMqBus({ url, exchange: exchangeName, retryDelayMs: 20, maxAttempts: 3 });
    const raw = await amqp.connect(url);
    const channel = await raw.createChannel();
    cleanups.push(async () => {
      await bus.close();
      for (const queue of [group, `${group}.dlq`]) await channel.deleteQueue(queue).catch(() => {});
      for (const name of [exchangeName, `${exchangeName}.dlx`]) await channel.deleteExchange(name).catch(() => {});
      await raw.close();
    });

    const { applied, rows, genuine } = await exchange(bus, group);
    const dead: { subject: string; reason: string }[] = [];
    await until(async () => {
      const message = await channel.get(`${group}.dlq`, { noAck: true });
      if (message) {
        const headers = message.properties.headers ?? {};
        dead.push({ subject: String(headers.cloudEvents_subject), reason: String(headers[deadLetterReasonHeader]) });
      }
      return dead.length >= rows.length;
    });

    expect(applied.map((e) => e.id)).toEqual([genuine.id]);
    expect(applied[0]).toMatchObject({
      subject: 'order-genuine',
      data: genuine.data,
      traceparent: genuine.traceparent,
    });
    for (const row of rows) {
      expect(dead.find((d) => d.subject === row.event.subject)?.reason, row.row).toMatch(
        new RegExp(`^${escape(row.reason)}`),
      );
    }
  });

  it('over Kafka: parks the same four with the reason and applies only the genuine event', async () => {
    const brokers = await kafkaBrokers();
    const prefix = unique('identity');
    const group = unique('notification');
    const bus = await createKafkaBus({ brokers, topicOf: () => `${prefix}.order`, retryDelayMs: 20, maxAttempts: 3 });
    const kafka = new Kafka({ brokers, clientId: 'commlab-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(async () => {
      await bus.close();
      await admin.deleteTopics({ topics: [`${prefix}.order`, deadLetterTopicOf(group)] }).catch(() => {});
      await admin.disconnect();
    });

    const { applied, rows, genuine } = await exchange(bus, group);
    const dead: { subject: string; reason: string }[] = [];
    const reader = kafka.consumer({ groupId: unique('reader'), maxWaitTimeInMs: 500 });
    await reader.connect();
    try {
      await reader.subscribe({ topic: deadLetterTopicOf(group), fromBeginning: true });
      await reader.run({
        eachMessage: async ({ message }) =>
          void dead.push({
            subject: String(message.headers?.ce_subject),
            reason: String(message.headers?.[deadLetterReasonHeader]),
          }),
      });
      await until(() => dead.length >= rows.length);
    } finally {
      await reader.disconnect();
    }

    expect(applied.map((e) => e.id)).toEqual([genuine.id]);
    for (const row of rows) {
      expect(dead.find((d) => d.subject === row.event.subject)?.reason, row.row).toMatch(
        new RegExp(`^${escape(row.reason)}`),
      );
    }
  });
});

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('caller identity across a certificate rotation', () => {
  it('verifies events signed before and after order gets a new certificate, with no restart on either side', async () => {
    // The lab's own PKI script, into a folder of this test's.
    const dir = mkdtempSync(join(tmpdir(), 'commlab-event-certs-'));
    const certs = (...args: string[]) =>
      execFileSync(new URL('../../../infra/certs/certs.sh', import.meta.url).pathname, args, {
        env: { ...process.env, CERTS_DIR: dir },
        stdio: 'pipe',
      });
    const signed: CloudEvent[] = [];
    const sign = async (publisher: { publish(event: CloudEvent): Promise<void> }, subject: string) => {
      await publisher.publish(placed(subject));
      return signed.at(-1)! as unknown as SignableEvent;
    };
    try {
      certs('issue', 'order');
      const publisher = eventIdentity({ signer: signerFromFile(join(dir, 'order.pem')) }).publisher({
        publish: async (event) => void signed.push(event),
        close: async () => {},
      });
      const check = trustFromFiles('spiffe://commlab/order=commlab.order.*', dir, 0);

      const before = await sign(publisher, 'before');
      expect(check(before).ok).toBe(true);
      certs('issue', 'order');
      const after = await sign(publisher, 'after');
      expect(check(after)).toMatchObject({ ok: true, producer: 'spiffe://commlab/order' });
      // The key before the rotation is kept: an event signed with it still verifies.
      expect(check(before).ok).toBe(true);
      const forged = signedBy(placed('forged'), 'spiffe://commlab/order', attacker.privateKey);
      expect(check(forged as unknown as SignableEvent)).toMatchObject({ ok: false, reason: /does not verify$/ });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
