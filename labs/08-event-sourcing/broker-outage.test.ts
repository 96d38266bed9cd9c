import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { freePort, History, rabbitMqCluster, type RabbitMqCluster } from '@commlab/testkit';
import { labClient } from './lab-client.ts';
import { recordArrivals } from './arrivals.ts';
import { directStore } from './direct-store.ts';

// The lab's broker is a RabbitMQ node of this file's own — started by infra/rabbitmq-cluster's
// cluster.sh as a one-node set on free ports — so it can really be restarted, and killed, while
// the RabbitMQ other labs share keeps running. Orders keep being placed throughout (202: the
// log does not need the broker); the relay publishes with publisher confirms and marks an event
// sent only once confirmed. Each scenario ends with the history checker: every stored event
// arrives, none twice at the consumer (it dedupes by event id), nothing that was not stored, and
// at least one redelivery, the proof that the fault hit while messages were on their way.

// Started in containers on a busy machine, the lab can take longer than the default 90 s to be
// healthy; the broker node needs its own start first.
vi.setConfig({ hookTimeout: 300_000 });

const run = randomUUID().slice(0, 8);
const outageMs = 60_000;
const ordersDuringOutage = 2_000;
const rollbacks = 100;
/** Orders placed at once during the outage: 2,000 take well under its minute even on a loaded machine. */
const outagePlacers = 8;
/** During the restart a trickle is enough: events on their way when the broker goes. */
const restartPlacers = 2;
/**
 * The test's consumer acks this long after applying (see recordArrivals): longer than it takes
 * cluster.sh to reach the node on a loaded machine, so the fault finds deliveries in its hands.
 */
const ackAfterMs = 2_000;

describe('lab 08: its broker down, and restarted, while orders are placed', () => {
  let broker: RabbitMqCluster;
  let brokerDir: string;
  const brokerEnv: Record<string, string> = {};
  beforeAll(async () => {
    brokerDir = mkdtempSync(join(tmpdir(), 'commlab-lab08-broker-'));
    // Node names are unique on the machine (its nodes share one epmd): one per run.
    broker = rabbitMqCluster({
      name: `lab08-${run}`,
      size: 1,
      port: await freePort(),
      distPort: await freePort(),
      dir: brokerDir,
    });
    await broker.start();
    // Read when the lab starts, in the hook below: in containers too, the services reach it on
    // the host like the other brokers.
    brokerEnv.AMQP_URL = await broker.url();
  });
  afterAll(async () => {
    await broker?.reset();
    if (brokerDir) rmSync(brokerDir, { recursive: true, force: true });
  });
  const lab = labForThisFile('08-event-sourcing', {
    connect: labClient,
    // The saga's participants on the test's node: order-orchestrated (no bus) and notification
    // have no part in these outages.
    services: ['order', 'inventory', 'payment'],
    env: { order: brokerEnv, inventory: brokerEnv, payment: brokerEnv },
  });
  const node = () => broker.nodes[0]!;

  /**
   * A consumer of every order event on the lab's node, with a durable queue of its own: what is
   * published while the consumer is cut off waits for it. Call again to reconnect.
   */
  const consumer = (history: History, name: string) => {
    const queue = `lab08.${name}-check-${run}`;
    const seen = new Set<string>();
    return {
      seen,
      connect: async (): Promise<ChannelModel> => {
        const connection = await amqp.connect(brokerEnv.AMQP_URL!);
        connection.on('error', () => {}); // the broker going away is the point
        const channel = await connection.createChannel();
        channel.on('error', () => {});
        const exchange = `${lab.env('order').EVENT_NAMESPACE}.events`;
        await channel.assertExchange(exchange, 'topic', { durable: true });
        await channel.assertQueue(queue, { durable: true });
        await channel.bindQueue(queue, exchange, 'commlab.order.#');
        await recordArrivals(channel, queue, history, seen, { ackAfterMs });
        return connection;
      },
    };
  };

  /**
   * Places orders of `customer`, `placers` at a time, until `more` says stop; a failed request is
   * tried again, for two minutes at most, after which the placing fails with the last answer.
   */
  const placeWhile = async (customer: string, placers: number, more: (placed: number) => boolean) => {
    const deadline = Date.now() + 120_000;
    let placed = 0;
    let last = '';
    const placer = async () => {
      while (more(placed)) {
        placed++;
        for (;;) {
          const answer = await lab.client.place(customer, [{ sku: 'KB-001', quantity: 1 }]).then(
            (a) => a,
            (err: unknown) => ({ status: 0, body: String(err) }),
          );
          if (answer.status === 202) break;
          last = `${answer.status} ${JSON.stringify(answer.body)}`;
          if (Date.now() > deadline) throw new Error(`${placed} orders placed in 120 s, then refused: ${last}`);
          await sleep(100);
        }
      }
    };
    await Promise.all(Array.from({ length: placers }, placer));
    return placed;
  };

  /** Every event the log holds for a customer's orders, each settled by inventory's answer, as produced. */
  const storedEvents = async (history: History, customer: string, orders: number) => {
    await lab.client.caughtUp(60_000);
    const ids = await lab.client.allOrderIds(customer);
    expect(new Set(ids).size).toBe(orders);
    for (const id of ids) {
      await lab.client.settled(id, 120_000);
      const { body: stream } = await lab.client.stream(id);
      for (const event of stream.events) history.produced(event.id, 'confirmed');
    }
    return history.check().counts.confirmed;
  };

  const arrived = async (seen: Set<string>, expected: number) => {
    for (const until = Date.now() + 180_000; seen.size < expected && Date.now() < until;) await sleep(100);
    await sleep(1_000); // a duplicate, or a rolled-back event were one published, would arrive by now
  };

  it('loses and doubles nothing when its broker restarts during confirmed publishing (history checker)', async () => {
    const history = new History();
    const customer = 'es-restart';
    const check = consumer(history, 'restart');
    let connection = await check.connect();

    let restarts = 0;
    let restarting = true;
    const placing = placeWhile(customer, restartPlacers, (placed) => restarting || placed < 100);
    // Restarted while events flow, as often as it takes to catch deliveries on their way (once, in practice).
    while (restarts < 3 && history.check().counts.redeliveries === 0) {
      for (const target = check.seen.size + 20; check.seen.size < target;) await sleep(50);
      await broker.node(node(), 'restart');
      restarts++;
      await connection.close().catch(() => {});
      connection = await check.connect();
      await sleep(2_000);
    }
    restarting = false;
    const orders = await placing;

    const expected = await storedEvents(history, customer, orders);
    await arrived(check.seen, expected);
    await connection.close();

    const report = history.check();
    console.log(`broker restarted ${restarts}× during confirmed publishing: ${report.summary}`);
    expect(report.problems, report.summary).toEqual([]);
    expect(report.ok).toBe(true);
  }, 420_000);

  it('publishes every event stored while its broker is down for a minute, and nothing a rolled-back transaction appended (history checker)', async () => {
    const history = new History();
    const customer = 'es-outage';
    const check = consumer(history, 'outage');
    let connection = await check.connect();

    // The broker goes down while events flow (the 2,000 orders are placed across the outage), as
    // a crash takes it: SIGKILL, with deliveries in the consumer's hands and a publish on its way.
    const placing = placeWhile(customer, outagePlacers, (placed) => placed < ordersDuringOutage);
    for (const until = Date.now() + 60_000; ;) {
      const before = check.seen.size;
      await sleep(200);
      if (before >= 10 && check.seen.size > before) break;
      if (Date.now() > until)
        throw new Error(`events not flowing before the outage: ${check.seen.size} arrived in 60 s`);
    }
    await broker.node(node(), 'kill');
    const outageEnds = Date.now() + outageMs;
    // The broker comes back after its minute whatever happens meanwhile in the test.
    const back = sleep(outageMs).then(() => broker.node(node(), 'start'));
    back.catch(() => {}); // awaited below; a failed start is reported there
    await connection.close().catch(() => {});

    // 100 transactions append an order's placed event and roll back: none of it may leave.
    const store = await directStore(lab.client.schema());
    for (let i = 0; i < rollbacks; i++) history.produced(await store.rolledBack(customer), 'failed');
    await store.close();

    // The outage is real: the service says it cannot reach its bus.
    let ready = 200;
    for (const until = Date.now() + 30_000; ready !== 503 && Date.now() < until; await sleep(100)) {
      ready = await fetch(`${lab.url('order')}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.status,
        () => 0,
      );
    }
    let placedDuringOutage = false;
    const orders = await placing
      .then((placed) => ((placedDuringOutage = Date.now() < outageEnds), placed))
      .finally(() => back);
    await back;
    expect(ready).toBe(503);
    connection = await check.connect();

    const expected = await storedEvents(history, customer, orders);
    await arrived(check.seen, expected);
    await connection.close();

    const report = history.check();
    console.log(
      `broker down ${outageMs / 1000} s while ${orders} orders were placed` +
        `${placedDuringOutage ? '' : ' (placing outlasted it)'}, ${rollbacks} rollbacks: ${report.summary}`,
    );
    expect(report.problems, report.summary).toEqual([]);
    expect(report.refusedButApplied, report.summary).toEqual([]);
    expect(report.counts.failed).toBe(rollbacks);
    expect(report.ok).toBe(true);
  }, 420_000);
});
