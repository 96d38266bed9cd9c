/**
 * A consumer process for the crash test. It applies each event through the idempotent
 * consumer into a SQLite file, and logs every delivery there too (outside the transaction).
 * With crashAt set, it stops dead right after applying the event whose data.n equals it —
 * effect committed, ack or offset commit not yet sent — and prints `applied <n>`; every later
 * event it is handed (data.n > crashAt) it holds without applying, printing `holding <n>`.
 * The test SIGKILLs it once it printed both, so the crash provably leaves deliveries
 * unacknowledged: with no holding, a RabbitMQ consumer (prefetch 10, handlers concurrent)
 * could finish and ack the rest of the batch before the kill, leaving nothing to redeliver.
 *
 * Configuration comes in one JSON argument: { transport, url | brokers, exchange | topic, group, db, crashAt? }
 */
import { sqliteDatabase } from '@commlab/sql';
import { connectEventBus, defaultTopicOf, idempotent, processedEvents } from '../../src/index.ts';

const config = JSON.parse(process.argv[2]!) as {
  transport: 'rabbitmq' | 'kafka';
  url: string;
  brokers: string[];
  exchange: string;
  topicPrefix: string;
  group: string;
  db: string;
  crashAt?: number;
};

const db = sqliteDatabase(config.db);
await db.setUp(`
  CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS deliveries (event_id TEXT NOT NULL);`);
const apply = idempotent(await processedEvents(db), config.group, async (event, tx) => {
  await tx.execute('INSERT INTO effects VALUES (?)', [event.id]);
});

const bus = await connectEventBus(
  config.transport === 'rabbitmq'
    ? { transport: 'rabbitmq', url: config.url, exchange: config.exchange, prefetch: 10 }
    : {
        transport: 'kafka',
        brokers: config.brokers,
        topicOf: (type) => `${config.topicPrefix}.${defaultTopicOf(type)}`,
        consumerTiming: { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 },
      },
);
const forever = () => new Promise<never>(() => {});
await bus.subscribe({ group: config.group, types: ['commlab.order.placed.v1'] }, async (event) => {
  await db.execute('INSERT INTO deliveries VALUES (?)', [event.id]);
  const { n } = event.data as { n: number };
  if (config.crashAt !== undefined && n > config.crashAt) {
    console.log(`holding ${n}`);
    return forever(); // delivered, not applied, not acknowledged: the broker must redeliver it
  }
  await apply(event);
  if (n === config.crashAt) {
    console.log(`applied ${n}`);
    return forever(); // hold the ack / offset commit until the test kills us
  }
});
console.log('subscribed');
