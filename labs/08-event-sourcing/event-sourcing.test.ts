import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { fromAmqpMessage, fromKafkaMessage, toKafkaMessage, type CloudEvent } from '@commlab/events';
import { labForThisFile } from '@commlab/lab/testing';
import { History } from '@commlab/testkit';
import { labClient, storeDatabaseUrl, type Notification } from './lab-client.ts';
import { recordArrivals } from './arrivals.ts';
import { directStore } from './direct-store.ts';

// Started in containers on a busy machine, the lab can take longer than the default 90 s to be healthy.
vi.setConfig({ hookTimeout: 240_000 });

// The order service is killed (SIGKILL, no clean-up) while its relay publishes from the log,
// as often as it takes for one kill to land between a broker's confirm and the checkpoint's
// move. Every event the log holds must then reach the broker, and a consumer that
// deduplicates by event id applies each exactly once. (It kills the service.)
const crashCustomer = 'es-crash';
const crashOrders = 100;
// A kill proves something only if it lands between a publish and its mark: on a quiet machine
// the relay is quick, and five kills sometimes all missed.
const maxKills = 12;

// The consumer side: notification, the lab's idempotent consumer, is SIGKILLed while it works
// through 10,000 events, and started again. (Last in this file: it stops inventory.)
const consumerCustomer = 'es-consumer-kill';
const consumerEvents = 10_000;
const appliedBetweenKills = 1_000;
const maxConsumerKills = 5;

// Lab 08's second relay: Debezium reads the order event store's `events` table from
// PostgreSQL's write-ahead log and writes each appended event to Kafka. Its copy must be the
// message the polling relay's Kafka binding makes of the same event, and a Connect worker
// killed mid-stream must lose nothing: it resends from its last flushed offset (at least once),
// and a consumer that deduplicates by event id applies each event once.
//
// In the Compose check the brokers, the database and the Connect worker are this machine's
// (compose.host-brokers.yaml): the worker killed is the native one there too.

const kafkaBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const connectScript = join(import.meta.dirname, '../../infra/kafka-connect/kafka-connect.sh');
const connectPidFile = join(
  process.env.COMMLAB_CACHE ?? join(homedir(), '.cache/commlab'),
  'kafka-connect/run/connect.pid',
);

describe('lab 08: orders as event streams', () => {
  // The choreographed checkout, notification (its consumer downstream) and cdc: order-orchestrated is saga.test.ts's.
  const lab = labForThisFile('08-event-sourcing', {
    connect: labClient,
    services: ['inventory', 'payment', 'order', 'notification', 'cdc'],
  });

  it("stores an order as its stream: placed, then inventory's answer, each at the next version", async () => {
    const { status, body: placed } = await lab.client.place('es-reader-1', [{ sku: 'KB-001', quantity: 1 }]);
    expect(status).toBe(202);
    const order = await lab.client.settled(placed.id);
    expect(order.status).toBe('confirmed');
    const { body } = await lab.client.stream(order.id);
    expect(body.events.map((event) => [event.version, event.type, event.status])).toEqual([
      [1, 'commlab.order.placed.v1', 'pending'],
      [2, 'commlab.order.confirmed.v1', 'confirmed'],
    ]);
    expect(body.events[1]!.position).toBeGreaterThan(body.events[0]!.position);
    expect(order.version).toBe(2);
    expect((await lab.client.snapshot(order.id)).body).toEqual({
      snapshotVersion: null,
      streamVersion: 2,
      equal: true,
    });
  });

  it('appends exactly one of 20 concurrent cancellations at one version; the others get 409 or the change already made', async () => {
    const { body: placed } = await lab.client.place('es-reader-2', [{ sku: 'KB-001', quantity: 1 }]);
    const order = await lab.client.settled(placed.id);
    const answers = await Promise.all(Array.from({ length: 20 }, () => lab.client.cancel(order.id, order.version)));
    const conflicts = answers.filter((answer) => answer.status === 409);
    // 409: it read the order before the winner appended, and its append's expected version was
    // gone. 200: the winner, or one that read the order already cancelled — the change it asked
    // for is in effect, and it appends nothing (RFC 9110 §13.1.1).
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    for (const conflict of conflicts) expect(conflict.body.type).toMatch(/\/problems\/concurrency-conflict$/);
    const { body } = await lab.client.stream(order.id);
    expect(body.events.filter((event) => event.type === 'commlab.order.cancelled.v1')).toHaveLength(1);
    expect(body.events.map((event) => event.version)).toEqual([1, 2, 3]);
    // ORDER_SNAPSHOT_EVERY=3: the cancellation's append took a snapshot, and it folds to what the events say.
    expect((await lab.client.snapshot(order.id)).body).toEqual({ snapshotVersion: 3, streamVersion: 3, equal: true });
    console.log(`20 concurrent cancellations: 1 appended, ${conflicts.length} × 409 concurrency-conflict`);
  });

  it('answers the read models with how far behind the log they are, and catches up', async () => {
    const { body: placed } = await lab.client.place('es-reader-3', [{ sku: 'MS-002', quantity: 2 }]);
    await lab.client.settled(placed.id);
    const consistency = await lab.client.caughtUp();
    expect(consistency.position).toBe(consistency.head);
    const { body: summaries } = await lab.client.summaries('es-reader-3');
    expect(summaries.orders).toMatchObject([{ orderId: placed.id, status: 'confirmed', itemCount: 2, version: 2 }]);
    const { body: history } = await lab.client.history('es-reader-3');
    expect(history.entries.map((entry) => [entry.event, entry.status])).toEqual([
      ['placed', 'pending'],
      ['confirmed', 'confirmed'],
    ]);
    expect(history.consistency.behind).toBe(0);
  });

  it('rebuilds each read model by replaying the log, row for row the same as the live one', async () => {
    await lab.client.caughtUp();
    for (const [name, read] of [
      ['order-summary', async () => (await lab.client.summaries()).body.orders],
      ['customer-history', async () => (await lab.client.history('es-reader-1')).body.entries],
    ] as const) {
      const live = await read();
      expect(live.length).toBeGreaterThan(0);
      const { status, body } = await lab.client.rebuild(name);
      expect(status).toBe(200);
      expect(body.consistency.behind).toBe(0);
      expect(await read()).toEqual(live);
    }
  });

  it('refuses a change of an order that does not exist with 404, writing nothing', async () => {
    const { status } = await lab.client.stream('00000000-0000-4000-8000-000000000000');
    expect(status).toBe(404);
  });

  const namespace = () => lab.env('order').EVENT_NAMESPACE!;
  const topic = () => `${namespace()}.order.cdc`;
  let consumers = 0;

  /** Every message of the CDC topic from its start, as it arrives; the consumer is this run's own. */
  const consumeCdc = async (onMessage: (message: KafkaMessage) => void) => {
    const kafka = new Kafka({ clientId: `lab08-cdc-test`, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    // Made here with the connector's layout, so the consumer can subscribe before the first event.
    await admin.createTopics({ topics: [{ topic: topic(), numPartitions: 3 }] }).catch(() => false);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `${namespace()}.cdc-check-${++consumers}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: topic(), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          onMessage(message);
        } catch (err) {
          console.error('CDC message not decodable', message.headers, err);
        }
      },
    });
    return consumer;
  };

  it("puts an order's events on Kafka by Debezium as the relay's Kafka binding would: same key, headers and data", async () => {
    // The relay's copies, from the lab's exchange on RabbitMQ.
    const relayed = new Map<string, CloudEvent>();
    const connection = await amqp.connect(lab.env('order').AMQP_URL!);
    const channel = await connection.createChannel();
    const exchange = `${namespace()}.events`;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, 'commlab.order.#');
    await channel.consume(queue, (message) => {
      if (message) relayed.set(fromAmqpMessage(message).id, fromAmqpMessage(message));
    });
    const captured = new Map<string, KafkaMessage>();
    const consumer = await consumeCdc((message) => captured.set(fromKafkaMessage(message).id, message));
    try {
      const { body: placed } = await lab.client.place('es-cdc-1', [{ sku: 'KB-001', quantity: 1 }]);
      await lab.client.settled(placed.id);
      const { body: stream } = await lab.client.stream(placed.id);
      const ids = stream.events.map((event) => event.id);
      expect(ids).toHaveLength(2);
      for (
        const until = Date.now() + 30_000;
        ids.some((id) => !captured.has(id) || !relayed.has(id));
        await sleep(100)
      ) {
        if (Date.now() > until)
          throw new Error(`missing: ${ids.filter((id) => !captured.has(id) || !relayed.has(id))}`);
      }
      for (const id of ids) {
        const cdc = captured.get(id)!;
        const expected = toKafkaMessage(relayed.get(id)!);
        const headers = Object.fromEntries(Object.entries(cdc.headers ?? {}).map(([k, v]) => [k, String(v)]));
        expect(cdc.key?.toString()).toBe(expected.key);
        expect(cdc.key?.toString()).toBe(placed.id);
        expect(headers).toEqual(expected.headers);
        expect(fromKafkaMessage(cdc)).toEqual(relayed.get(id));
      }
    } finally {
      await consumer.disconnect();
      await connection.close();
    }
  });

  it('loses nothing when the Connect worker is killed mid-stream: resent from its last offset, applied once by event id (history checker)', async () => {
    const history = new History();
    const seen = new Set<string>();
    const consumer = await consumeCdc((message) => {
      const { id } = fromKafkaMessage(message);
      if (seen.has(id)) history.redelivered(id);
      else {
        seen.add(id);
        history.applied(id);
      }
    });
    try {
      // Orders keep being placed while the worker dies and comes back: the log does not need it.
      let placing = true;
      const placed: string[] = [];
      const writer = (async () => {
        while (placing) {
          const { status, body } = await lab.client.place('es-cdc-kill', [{ sku: 'KB-001', quantity: 1 }]);
          expect(status).toBe(202);
          placed.push(body.id);
        }
      })();
      const stopWriter = async () => {
        placing = false;
        await writer;
      };
      const arrivedBefore = seen.size;
      for (const until = Date.now() + 30_000; seen.size < arrivedBefore + 20; await sleep(50)) {
        if (Date.now() > until) {
          await stopWriter();
          throw new Error('CDC events did not arrive before the kill');
        }
      }
      // SIGKILL: no offset flush on the way out, so what was sent since the last flush is sent again.
      const pid = Number(readFileSync(connectPidFile, 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      await sleep(1_000);
      await stopWriter();
      await promisify(execFile)(connectScript, ['start'], { timeout: 120_000 });

      for (const id of placed) await lab.client.settled(id, 60_000);
      // What the log holds is what must arrive: every event appended in this run's store.
      const db = new pg.Client({ connectionString: storeDatabaseUrl() });
      await db.connect();
      const { rows } = await db.query<{ event_id: string }>(`SELECT event_id FROM ${lab.client.schema()}.events`);
      await db.end();
      for (const { event_id } of rows) history.produced(event_id, 'confirmed');
      for (const until = Date.now() + 60_000; rows.some(({ event_id }) => !seen.has(event_id)); await sleep(100)) {
        if (Date.now() > until) break;
      }
      await sleep(500); // a late duplicate would arrive by now
    } finally {
      await consumer.disconnect();
    }
    const report = history.check();
    console.log(`Connect worker killed mid-stream: ${report.summary}`);
    expect(report.lost, report.summary).toEqual([]);
    expect(report.duplicated, report.summary).toEqual([]);
    expect(report.unexpected, report.summary).toEqual([]);
    // The fault hit: events the dead worker had sent, but not yet recorded as sent, came again.
    expect(report.counts.redeliveries, report.summary).toBeGreaterThan(0);
  }, 180_000);

  it('publishes every stored event after a restart, none lost, none applied twice (history checker)', async () => {
    const history = new History();
    const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createChannel();
    const exchange = `${lab.env('order').EVENT_NAMESPACE}.events`;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, 'commlab.order.#');
    const seen = await recordArrivals(channel, queue, history);

    // Orders keep coming, a few at a time, for as long as order is being killed (so every kill
    // can land while the relay publishes); a request that meets the dead service is tried again.
    let placed = 0;
    let killing = true;
    const place = async () => {
      while (killing || placed < crashOrders) {
        placed++;
        for (;;) {
          const answer = await lab.client.place(crashCustomer, [{ sku: 'KB-001', quantity: 1 }]).catch(() => undefined);
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
    killing = false;
    await placing;

    // What must arrive: every event of every stream the log holds for this crashCustomer's orders.
    await lab.client.caughtUp(20_000);
    const ids = await lab.client.allOrderIds(crashCustomer);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(crashOrders);
    for (const id of ids) {
      await lab.client.settled(id); // inventory's answer is part of the stream too
      const { body: stream } = await lab.client.stream(id);
      for (const event of stream.events) history.produced(event.id, 'confirmed');
    }
    const expected = history.check().counts.confirmed;
    for (const until = Date.now() + 30_000; seen.size < expected && Date.now() < until;) await sleep(100);
    await sleep(300);

    const report = history.check();
    await connection.close();
    console.log(`order killed ${kills}× while publishing: ${report.summary}`);
    expect(report.problems, report.summary).toEqual([]);
    expect(report.ok).toBe(true);
  }, 240_000);

  it('applies each of 10,000 events once though notification is SIGKILLed mid-stream and started again (history checker)', async () => {
    // inventory would answer each placed order with an event of its own and double the stream:
    // it stays stopped from here on.
    await lab.stopService('inventory');
    const history = new History();
    const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createChannel();
    const queue = `${lab.env('notification').EVENT_NAMESPACE}.notification.order-events`;

    // 10,000 placed orders straight into the log (requests would take minutes); order's relay
    // publishes them, and notification applies them as they come.
    const store = await directStore(lab.client.schema());
    const appending = store
      .placeOrders(consumerCustomer, consumerEvents)
      .then((ids) => ids.forEach((id) => history.produced(id, 'confirmed')))
      .finally(() => store.close());

    // Its effects, read as it goes: its event log, which it appends to in the transaction that
    // records the event's id. An event applied twice would be two entries.
    const applied: Notification[] = [];
    let after = 0;
    /** Reads the entries after the last one read; how many (0 also while notification is down). */
    const readMore = async () => {
      const page = await lab.client.notifications(consumerCustomer, after).catch(() => undefined);
      applied.push(...(page?.items ?? []));
      after = page?.last ?? after;
      return page?.items.length ?? 0;
    };
    const readUntil = async (count: number, timeoutMs: number) => {
      for (const until = Date.now() + timeoutMs; applied.length < count && Date.now() < until;) {
        if ((await readMore()) === 0) await sleep(100);
      }
    };

    let kills = 0;
    while (kills < maxConsumerKills && history.check().counts.redeliveries === 0) {
      // Mid-stream: it applied more since it last started, and more are on their way.
      await readUntil(applied.length + appliedBetweenKills, 60_000);
      if (applied.length > consumerEvents - appliedBetweenKills) break;
      await lab.killService('notification');
      kills++;
      // The broker takes back the delivery the dead consumer held unacknowledged and hands it
      // out again, flagged redelivered: read the head of its queue before it restarts, put it back.
      for (const until = Date.now() + 10_000; (await channel.checkQueue(queue)).consumerCount > 0; await sleep(50)) {
        if (Date.now() > until) throw new Error(`the killed notification still consumes ${queue}`);
      }
      // (Each taken message is held until all are read: one put back at once would come first again.)
      for (;;) {
        const message = await channel.get(queue, { noAck: false });
        if (!message || !message.fields.redelivered) break;
        history.redelivered(fromAmqpMessage(message).id);
      }
      channel.nackAll(true);
      await lab.startService('notification');
    }
    await appending;
    await readUntil(consumerEvents, 300_000);
    await sleep(500); // an event applied twice would show by now
    while ((await readMore()) > 0);
    await connection.close();

    for (const { eventId } of applied) history.applied(eventId);
    const report = history.check();
    console.log(`notification killed ${kills}× in ${consumerEvents} events: ${report.summary}`);
    expect(report.counts.confirmed).toBe(consumerEvents);
    expect(report.problems, report.summary).toEqual([]);
    expect(report.ok).toBe(true);
  }, 480_000);
});
