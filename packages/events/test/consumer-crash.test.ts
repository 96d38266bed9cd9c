import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { amqpUrl, kafkaBrokers } from '@commlab/testkit';
import { connectEventBus, defaultTopicOf, deadLetterTopicOf, newEvent, type EventBusConfig } from '../src/index.ts';
import { rawAmqp } from './support/amqp.ts';
import { rawKafka } from './support/kafka.ts';
import { uniqueName, until } from './support/wait.ts';

const consumerScript = fileURLToPath(new URL('./support/crash-consumer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'commlab-crash-'));
const running = new Set<ChildProcess>();
afterEach(() => {
  // A test that failed half-way must not leave a consumer process behind.
  for (const child of running) child.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The consumer as a real process, and a way to wait for what it prints. */
function startConsumer(config: object) {
  const child = spawn(process.execPath, [consumerScript, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve(void running.delete(child))));
  return {
    printed: (line: string) => until(`the consumer to print "${line}"`, () => output.includes(line), 30_000),
    /** The events (data.n) it said it holds unapplied and unacknowledged. */
    holding: () => [...output.matchAll(/^holding (\d+)$/gm)].map((match) => Number(match[1])),
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Per broker: where the consumer process and the producer connect, and what to delete afterwards. */
const brokers = {
  rabbitmq: async (names: Names) => {
    const url = await amqpUrl();
    return {
      consumer: { url, exchange: names.exchange },
      producer: { transport: 'rabbitmq', url, exchange: names.exchange } as EventBusConfig,
      cleanUp: async () => {
        const raw = await rawAmqp(url);
        raw.track({
          exchanges: [names.exchange, `${names.exchange}.dlx`],
          queues: [names.group, `${names.group}.dlq`],
        });
        await raw.close();
      },
    };
  },
  kafka: async (names: Names) => {
    const bootstrap = await kafkaBrokers();
    return {
      consumer: { brokers: bootstrap, topicPrefix: names.topicPrefix },
      producer: {
        transport: 'kafka',
        brokers: bootstrap,
        topicOf: (type: string) => `${names.topicPrefix}.${defaultTopicOf(type)}`,
      } as EventBusConfig,
      cleanUp: async () => {
        const raw = await rawKafka(bootstrap);
        raw.track(`${names.topicPrefix}.commlab.order`, deadLetterTopicOf(names.group));
        await raw.close();
      },
    };
  },
};
type Names = { exchange: string; topicPrefix: string; group: string };

describe.each(['rabbitmq', 'kafka'] as const)('a %s consumer killed mid-batch and restarted', (transport) => {
  it('applies every event exactly once in effect, though some were delivered twice', async () => {
    const names = { exchange: uniqueName('exchange'), topicPrefix: uniqueName('crash'), group: uniqueName('crash') };
    const broker = await brokers[transport](names);
    const consumer = { transport, group: names.group, db: join(dir, `${transport}.sqlite`), ...broker.consumer };

    // The consumer sets up its queue (or joins its group) first; then 40 events arrive at once.
    const first = startConsumer({ ...consumer, crashAt: 17 });
    await first.printed('subscribed');
    const producer = await connectEventBus(broker.producer);
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) {
      const event = newEvent({
        source: '/test',
        type: 'commlab.order.placed.v1',
        subject: `order-${n % 5}`,
        data: { n },
      });
      await producer.publish(event);
      ids.push(event.id);
    }
    await producer.close();

    // SIGKILL right after the effect of event 17 committed, before its ack / offset commit,
    // with later events provably not yet applied, so the run cannot end before redeliveries:
    // - RabbitMQ hands a consumer up to prefetch (10) messages and it handles them at once,
    //   so it could ack the whole rest of the batch before the kill. Waiting until it holds a
    //   later delivery (logged once, never applied nor acked) makes that a fact, not a race.
    // - Kafka consumes a partition in order: 17's uncommitted offset holds back the later
    //   events of its partition (22, 27, … share its key) until 17 is delivered again.
    await first.printed('applied 17');
    if (transport === 'rabbitmq') await first.printed('holding ');
    await first.kill();
    const held = first.holding().map((n) => ids[n]!);
    const second = startConsumer(consumer);

    const db = new DatabaseSync(consumer.db, { readOnly: true });
    const effects = () =>
      db.prepare('SELECT event_id, count(*) AS n FROM effects GROUP BY event_id').all() as {
        event_id: string;
        n: number;
      }[];
    const deliveries = (id: string) =>
      (db.prepare('SELECT count(*) AS n FROM deliveries WHERE event_id = ?').get(id) as { n: number }).n;
    try {
      await until('every event applied', () => effects().length === ids.length, 60_000);
      // Event 17 was applied before the crash but never acknowledged: it comes again.
      await until('event 17 delivered again', () => deliveries(ids[17]!) >= 2, 30_000);
      expect(effects().every((row) => row.n === 1)).toBe(true);
      expect(new Set(effects().map((row) => row.event_id))).toEqual(new Set(ids));
      // Nothing the dead consumer held was lost or acknowledged on its behalf: each was redelivered.
      const redelivered = (
        db.prepare('SELECT event_id FROM deliveries GROUP BY event_id HAVING count(*) > 1').all() as {
          event_id: string;
        }[]
      ).map((row) => row.event_id);
      expect(redelivered).toEqual(expect.arrayContaining([ids[17], ...held]));
    } finally {
      db.close();
      await second.kill();
      await broker.cleanUp();
    }
  }, 90_000);
});
