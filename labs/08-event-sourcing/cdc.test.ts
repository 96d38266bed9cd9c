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
import { labClient, storeDatabaseUrl } from './lab-client.ts';

// Lab 08's second relay: Debezium reads the order event store's `events` table from
// PostgreSQL's write-ahead log and writes each appended event to Kafka. Its copy must be the
// message the polling relay's Kafka binding makes of the same event, and a Connect worker
// killed mid-stream must lose nothing: it resends from its last flushed offset (at least once),
// and a consumer that deduplicates by event id applies each event once.
//
// In the Compose check the brokers, the database and the Connect worker are this machine's
// (compose.host-brokers.yaml): the worker killed is the native one there too.

// Started in containers on a busy machine, the lab can take longer than the default 90 s to be healthy.
vi.setConfig({ hookTimeout: 240_000 });

const kafkaBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const connectScript = join(import.meta.dirname, '../../infra/kafka-connect/kafka-connect.sh');
const connectPidFile = join(
  process.env.COMMLAB_CACHE ?? join(homedir(), '.cache/commlab'),
  'kafka-connect/run/connect.pid',
);

describe('lab 08: the outbox by log-based CDC (Debezium), beside the polling relay', () => {
  const lab = labForThisFile('08-event-sourcing', { connect: labClient });
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
      const arrivedBefore = seen.size;
      for (const until = Date.now() + 30_000; seen.size < arrivedBefore + 20; await sleep(50)) {
        if (Date.now() > until) throw new Error('CDC events did not arrive before the kill');
      }
      // SIGKILL: no offset flush on the way out, so what was sent since the last flush is sent again.
      const pid = Number(readFileSync(connectPidFile, 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      await sleep(1_000);
      placing = false;
      await writer;
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
});
