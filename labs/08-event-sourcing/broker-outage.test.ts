import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openEventStore } from '@commlab/event-store';
import { postgresDatabase } from '@commlab/sql';
import { newOrderEvent, orderStreamId } from '@commlab/event-store/orders';
import { labForThisFile } from '@commlab/lab/testing';
import { History } from '@commlab/testkit';
import { labClient, storeDatabaseUrl } from './lab-client.ts';
import { recordArrivals } from './arrivals.ts';

// The broker is unreachable for the order service for a while — without stopping the
// RabbitMQ other labs share: the lab runs in a virtual host of its own, and the outage is
// that vhost's permissions taken away and its connections closed. Meanwhile orders keep being
// placed (202: the log does not need the broker) and 100 transactions append order events and
// roll back. When the broker is back, every stored event arrives and no rolled-back one does.

// Started in containers on a busy machine, the lab can take longer than the default 90 s to be healthy.
vi.setConfig({ hookTimeout: 240_000 });

const run = randomUUID().slice(0, 8);
const vhost = `lab08-outage-${run}`;
const amqpUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
const outageMs = 15_000;
const ordersDuringOutage = 200;
const rollbacks = 100;
const customer = 'es-outage';
const rabbitmqctl = (...args: string[]) => promisify(execFile)('rabbitmqctl', args);

describe('lab 08: the broker unreachable while orders are placed and transactions roll back', () => {
  beforeAll(async () => {
    await rabbitmqctl('add_vhost', vhost);
    await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  });
  const lab = labForThisFile('08-event-sourcing', {
    connect: labClient,
    env: { order: { AMQP_URL: amqpUrl }, inventory: { AMQP_URL: amqpUrl } },
  });
  afterAll(async () => {
    await rabbitmqctl('delete_vhost', vhost);
  });

  it('publishes every event stored during the outage once it is over, and nothing a rolled-back transaction appended', async () => {
    const history = new History();
    const queue = `lab08.outage-check-${run}`;
    const seen = new Set<string>();
    /** A durable queue, so what is published while this consumer reconnects waits for it. */
    const consume = async () => {
      const connection = await amqp.connect(amqpUrl);
      connection.on('error', () => {});
      const channel = await connection.createChannel();
      await channel.assertExchange(`${lab.env('order').EVENT_NAMESPACE}.events`, 'topic', { durable: true });
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, `${lab.env('order').EVENT_NAMESPACE}.events`, 'commlab.order.#');
      await recordArrivals(channel, queue, history, seen);
      return connection;
    };
    let consumer = await consume();
    const placeOne = async () => {
      const { status } = await lab.client.place(customer, [{ sku: 'KB-001', quantity: 1 }]);
      expect(status).toBe(202);
    };
    for (let i = 0; i < 20; i++) await placeOne();

    // The outage: nothing may connect to the vhost, and what was connected is cut off.
    await rabbitmqctl('clear_permissions', '-p', vhost, 'guest');
    await rabbitmqctl('close_all_connections', '-p', vhost, 'lab08 test: broker outage');
    await consumer.close().catch(() => {});
    const outageEnds = Date.now() + outageMs;

    const url = new URL(storeDatabaseUrl());
    url.searchParams.set('options', `-c search_path=${lab.client.schema()}`);
    const db = await postgresDatabase(url.toString());
    const store = await openEventStore(db);
    const rolledBack = async () => {
      const orderId = randomUUID();
      const id = randomUUID();
      const data = {
        orderId,
        customerId: customer,
        status: 'pending' as const,
        lines: [{ sku: 'KB-001', quantity: 1 }],
        createdAt: new Date().toISOString(),
      };
      const event = newOrderEvent('placed', data, {
        id,
        metadata: { source: '/commlab/order', subject: orderId, time: data.createdAt },
      });
      await db
        .transaction(async (tx) => {
          await store.appendIn(tx, orderStreamId(orderId), 0, [event]);
          throw new Error('rolled back on purpose');
        })
        .catch(() => {});
      history.produced(id, 'failed');
    };
    let ready = 200;
    await Promise.all([
      (async () => {
        for (let i = 0; i < ordersDuringOutage; i++) await placeOne();
      })(),
      (async () => {
        for (let i = 0; i < rollbacks; i++) await rolledBack();
      })(),
      (async () => {
        for (const until = Date.now() + 5_000; ready !== 503 && Date.now() < until; await sleep(100)) {
          ready = (await fetch(`${lab.url('order')}/readyz`)).status;
        }
      })(),
    ]);
    await db.close();
    // The outage was real: the service said it could not reach its bus.
    expect(ready).toBe(503);
    await sleep(Math.max(0, outageEnds - Date.now()));

    await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
    consumer = await consume();

    await lab.client.caughtUp(20_000);
    const ids = await lab.client.allOrderIds(customer);
    expect(new Set(ids).size).toBe(20 + ordersDuringOutage);
    for (const id of ids) {
      await lab.client.settled(id, 60_000);
      const { body: stream } = await lab.client.stream(id);
      for (const event of stream.events) history.produced(event.id, 'confirmed');
    }
    const expected = history.check().counts.confirmed;
    for (const until = Date.now() + 60_000; seen.size < expected && Date.now() < until;) await sleep(100);
    await sleep(500); // a rolled-back event, were one published, would arrive by now
    await consumer.close();

    const report = history.check();
    console.log(`broker unreachable ${outageMs / 1000} s, ${rollbacks} rollbacks: ${report.summary}`);
    expect(report.lost, report.summary).toEqual([]);
    expect(report.duplicated, report.summary).toEqual([]);
    expect(report.unexpected, report.summary).toEqual([]);
    expect(report.refusedButApplied, report.summary).toEqual([]);
    expect(report.counts.failed).toBe(rollbacks);
  }, 240_000);
});
