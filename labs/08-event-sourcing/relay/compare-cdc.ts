import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { fromAmqpMessage, fromKafkaMessage, toKafkaMessage, type CloudEvent } from '@commlab/events';

// `node labs/08-event-sourcing/relay/compare-cdc.ts http://localhost:3000 http://localhost:3095`:
// the guide's comparison of the two relays of one log. It places one order and times its
// `placed` event from the POST to its arrival by each path — the polling relay to RabbitMQ, and
// Debezium to Kafka — checks both copies are the same event, then leaves the lab idle for 3 s
// and counts what each path asks of the database meanwhile.
const [orderUrl = 'http://localhost:3000', cdcUrl = 'http://localhost:3095'] = process.argv.slice(2);
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const databaseUrl = process.env.LOGICAL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5433/postgres';

const cdc = (await (await fetch(`${cdcUrl}/connector`)).json()) as {
  namespace: string;
  connector: string;
  topic: string;
  slot: string;
  table: string;
};

// Both listeners are in place before the order is placed.
const arrivals = { relay: new Map<string, [CloudEvent, number]>(), cdc: new Map<string, [CloudEvent, number]>() };
const connection = await amqp.connect(amqpUrl);
const channel = await connection.createChannel();
const { queue } = await channel.assertQueue('', { exclusive: true });
await channel.bindQueue(queue, `${cdc.namespace}.events`, 'commlab.order.#');
await channel.consume(queue, (message) => {
  if (message) arrivals.relay.set(fromAmqpMessage(message).id, [fromAmqpMessage(message), Date.now()]);
});
const kafka = new Kafka({ clientId: 'lab08-compare-cdc', brokers, logLevel: logLevel.NOTHING });
// The connector creates its topic with its first event; made here with the same layout if this is the first.
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: cdc.topic, numPartitions: 3 }] });
await admin.disconnect();
const consumer = kafka.consumer({ groupId: `${cdc.namespace}.compare-cdc-${Date.now()}`, maxWaitTimeInMs: 50 });
await consumer.connect();
await consumer.subscribe({ topic: cdc.topic, fromBeginning: false });
let assigned = false;
consumer.on(consumer.events.GROUP_JOIN, () => (assigned = true));
const shown: string[] = [];
await consumer.run({
  eachMessage: async ({ message, partition }) => {
    const event = fromKafkaMessage(message);
    arrivals.cdc.set(event.id, [event, Date.now()]);
    if (shown.length === 0) {
      const headers = Object.entries(message.headers ?? {}).map(([name, value]) => `${name}=${String(value)}`);
      shown.push(`  key ${message.key?.toString()}, partition ${partition}`, `  headers ${headers.sort().join(' ')}`);
    }
  },
});
while (!assigned) await sleep(50);

const posted = Date.now();
const response = await fetch(`${orderUrl}/v2/orders`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ customer: { id: 'reader-8-cdc' }, lines: [{ sku: 'KB-001', quantity: 1 }] }),
});
const { id: orderId } = (await response.json()) as { id: string };
const placedId = async () => {
  for (;;) {
    const events = (
      (await (await fetch(`${orderUrl}/v2/orders/${orderId}/events`)).json()) as { events: { id: string }[] }
    ).events;
    if (events[0]) return events[0].id;
    await sleep(20);
  }
};
const id = await placedId();
for (const until = Date.now() + 20_000; !(arrivals.relay.has(id) && arrivals.cdc.has(id)); await sleep(5)) {
  if (Date.now() > until) throw new Error(`event ${id} did not arrive by both paths within 20 s`);
}
const [relayed, relayedAt] = arrivals.relay.get(id)!;
const [captured, capturedAt] = arrivals.cdc.get(id)!;
const same =
  JSON.stringify(toKafkaMessage(relayed)) === JSON.stringify(toKafkaMessage(captured)) ? 'the same' : 'DIFFERENT';
console.log(`order ${orderId}: its placed event ${id}`);
console.log(`by CDC on Kafka topic ${cdc.topic}:`);
console.log(shown.join('\n'));
console.log(`polling relay → RabbitMQ: ${relayedAt - posted} ms after the POST`);
console.log(`Debezium → Kafka:         ${capturedAt - posted} ms after the POST`);
console.log(`key, headers and data of the two copies: ${same}`);

// Idle: no order for 3 s. The polling readers of the log (the relay and the two projections)
// still ask the events table; Debezium reads the write-ahead log through its slot instead.
await sleep(500);
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const [schema, table] = cdc.table.split('.');
const scans = async () => {
  const { rows } = await db.query<{ scans: string }>(
    `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2`,
    [schema, table],
  );
  return Number(rows[0]?.scans ?? 0);
};
await db.query('SELECT pg_stat_clear_snapshot()');
const before = await scans();
await sleep(3_000);
await db.query('SELECT pg_stat_clear_snapshot()');
const after = await scans();
const { rows: slots } = await db.query<{ active: boolean; behind: string }>(
  `SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) AS behind FROM pg_replication_slots WHERE slot_name = $1`,
  [cdc.slot],
);
console.log(
  `idle 3 s: the events table was queried ${after - before} times by the polling readers (relay, projections)`,
);
console.log(
  `          Debezium is none of them: it reads the WAL through slot ${cdc.slot} (active: ${slots[0]?.active}, ${slots[0]?.behind} bytes of WAL not yet confirmed)`,
);
await db.end();
await consumer.disconnect();
await connection.close();
