import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import pg from 'pg';
import {
  createRabbitMqBus,
  newEvent,
  OutboxRelay,
  type CloudEvent,
  type EventOutbox,
  type RabbitMqBus,
} from '@commlab/events';
import { History, type HistoryReport } from '@commlab/testkit';
import { HighWaterMarkRelay } from './naive-relay.ts';
import { outboxTable, tableOutbox } from './outbox-table.ts';
import { recordArrivals } from '../arrivals.ts';

/**
 * The two polling relays side by side on one outbox table, against the real PostgreSQL and
 * RabbitMQ: 50 writers commit their events out of order while both relays poll. Each relay
 * publishes to an exchange of its own, and a consumer per exchange logs what arrives in the
 * history checker. The real relay is "killed" once between the broker's confirm and its mark
 * (the mark fails, as a killed process's never runs) and a new one takes over, as after a restart.
 */
export interface RelayComparison {
  naive: HistoryReport;
  real: HistoryReport;
  /** Whether the real relay's crash between publish and mark happened. */
  crashed: boolean;
  /** Rows the real relay left unmarked (0: everything published was marked). */
  unmarked: number;
  total: number;
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

export async function compareRelays({
  databaseUrl,
  amqpUrl,
  writers = 50,
  eventsPerWriter = 4,
}: {
  databaseUrl: string;
  amqpUrl: string;
  writers?: number;
  eventsPerWriter?: number;
}): Promise<RelayComparison> {
  const run = randomUUID().slice(0, 8);
  const table = `lab08_outbox_${run}`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: writers + 10 });
  const connection = await amqp.connect(amqpUrl);
  const exchanges: string[] = [];
  const buses: RabbitMqBus[] = [];

  /** A publisher to an exchange of this run, and a consumer that logs each arrival: applied once, then redelivered. */
  async function publisherWithConsumer(history: History) {
    const exchange = `lab08.relay-${run}-${exchanges.length}`;
    exchanges.push(exchange);
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, '#');
    // The effect is idempotent by event id: a second arrival changes nothing, and is logged as such.
    const seen = await recordArrivals(channel, queue, history);
    const bus = await createRabbitMqBus({ url: amqpUrl, exchange, connectionName: `lab08-${exchange}` });
    buses.push(bus);
    return { bus, arrived: () => seen.size };
  }

  /** Each writer inserts an event, holds its transaction open a random moment, commits — out of order. */
  async function write(produced: (event: CloudEvent) => void) {
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let i = 0; i < eventsPerWriter; i++) {
          const event = newEvent({
            source: '/commlab/lab08',
            type: 'commlab.order.placed.v1',
            subject: `writer-${writer}`,
            data: { writer, i },
          });
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(`INSERT INTO ${table} (id, event) VALUES ($1, $2)`, [event.id, JSON.stringify(event)]);
            // Most hold their transaction a moment; every tenth writer's first one holds it long
            // enough for any relay to poll in between (1.5 s), as a slow request's would.
            await sleep(writer % 10 === 0 && i === 0 ? 1_500 : Math.random() * 25);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
          produced(event);
        }
      }),
    );
  }

  try {
    await pool.query(outboxTable(table));
    const naiveHistory = new History();
    const realHistory = new History();
    const naive = await publisherWithConsumer(naiveHistory);
    const real = await publisherWithConsumer(realHistory);

    const outbox = tableOutbox(pool, table);
    let crashAfter = 30;
    let crashed = false;
    const crashingOutbox: EventOutbox = {
      unpublished: outbox.unpublished,
      markPublished: async (id) => {
        if (--crashAfter === 0) {
          crashed = true;
          throw new Error('relay killed between publish and mark');
        }
        await outbox.markPublished(id);
      },
    };
    let relay = new OutboxRelay({ outbox: crashingOutbox, publisher: real.bus, logger: quiet, intervalMs: 20 });
    relay.start();
    const naiveRelay = new HighWaterMarkRelay(pool, table, naive.bus);
    let writing = true;
    const naivePolling = (async () => {
      while (writing) {
        await naiveRelay.round();
        await sleep(2);
      }
      await naiveRelay.round();
    })();

    await write((event) => {
      naiveHistory.produced(event.id, 'confirmed');
      realHistory.produced(event.id, 'confirmed');
    });
    writing = false;
    await naivePolling;
    // The restart: a new relay on the same table finds what the first one never marked.
    await relay.close();
    relay = new OutboxRelay({ outbox, publisher: real.bus, logger: quiet, intervalMs: 20 });
    relay.start();

    const total = writers * eventsPerWriter;
    for (const until = Date.now() + 30_000; real.arrived() < total && Date.now() < until;) await sleep(50);
    await sleep(300); // anything still in flight to either consumer arrives
    await relay.close();
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE published_at IS NULL`);
    return { naive: naiveHistory.check(), real: realHistory.check(), crashed, unmarked: Number(rows[0]!.n), total };
  } finally {
    await Promise.all(buses.map((bus) => bus.close()));
    const channel = await connection.createChannel();
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
    await connection.close();
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  }
}
