import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { fromAmqpMessage } from '@commlab/events';
import { labForThisFile } from '@commlab/lab/testing';
import { History } from '@commlab/testkit';
import { labClient } from './lab-client.ts';

// The order service is killed (SIGKILL, no clean-up) while its relay publishes from the log,
// as often as it takes for one kill to land between a broker's confirm and the checkpoint's
// move. Every event the log holds must then reach the broker, and a consumer that
// deduplicates by event id applies each exactly once.

const customer = 'es-crash';
const orders = 100;
const maxKills = 5;

describe('lab 08: the order service killed while it publishes', () => {
  const lab = labForThisFile('08-event-sourcing', { connect: labClient });
  let connection: amqp.ChannelModel | undefined;
  afterAll(async () => {
    await connection?.close();
  });

  it('publishes every stored event after a restart, none lost, none applied twice (history checker)', async () => {
    const history = new History();
    connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createChannel();
    const exchange = `${lab.env('order').EVENT_NAMESPACE}.events`;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, 'commlab.order.#');
    const seen = new Set<string>();
    await channel.consume(queue, (message) => {
      if (!message) return;
      const event = fromAmqpMessage(message);
      if (seen.has(event.id)) history.redelivered(event.id);
      else {
        seen.add(event.id);
        history.applied(event.id);
      }
      channel.ack(message);
    });

    // Orders keep coming, a few at a time; a request that meets the dead service is tried again.
    let placed = 0;
    const place = async () => {
      while (placed < orders) {
        placed++;
        for (;;) {
          const answer = await lab.client.place(customer, [{ sku: 'KB-001', quantity: 1 }]).catch(() => undefined);
          if (answer?.status === 202) break;
          await sleep(100);
        }
      }
    };
    const placing = Promise.all([place(), place(), place(), place()]);

    let kills = 0;
    while (kills < maxKills && history.check().counts.redeliveries === 0) {
      await sleep(400 + Math.random() * 400);
      await lab.killService('order');
      kills++;
      await lab.startService('order');
      await sleep(1_500); // the restarted relay publishes what the dead one had not marked
    }
    await placing;

    // What must arrive: every event of every stream the log holds for this customer's orders.
    await lab.client.caughtUp(20_000);
    const ids = await lab.client.allOrderIds(customer);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(orders);
    for (const id of ids) {
      await lab.client.settled(id); // inventory's answer is part of the stream too
      const { body: stream } = await lab.client.stream(id);
      for (const event of stream.events) history.produced(event.id, 'confirmed');
    }
    const expected = history.check().counts.confirmed;
    for (const until = Date.now() + 30_000; seen.size < expected && Date.now() < until;) await sleep(100);
    await sleep(300);

    const report = history.check();
    console.log(`order killed ${kills}× while publishing: ${report.summary}`);
    expect(report.problems, report.summary).toEqual([]);
    expect(report.ok).toBe(true);
  }, 240_000);
});
