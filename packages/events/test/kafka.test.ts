import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase } from '@commlab/sql';
import { kafkaBrokers } from '@commlab/testkit';
import {
  createKafkaBus,
  deadLetterReasonHeader,
  deadLetterTopicOf,
  defaultTopicOf,
  idempotent,
  processedEvents,
  newEvent,
  PoisonEventError,
  toKafkaMessage,
  type KafkaBus,
  type KafkaBusOptions,
} from '../src/index.ts';
import { rawKafka } from './support/kafka.ts';
import { Recorder } from './support/recorder.ts';
import { uniqueName, until } from './support/wait.ts';

const step = (subject: string, n: number) =>
  newEvent({ source: '/test', type: 'commlab.order.placed.v1', subject, data: { n } });

describe('Kafka event bus', () => {
  let brokers: string[];
  let raw: Awaited<ReturnType<typeof rawKafka>>;
  const buses: KafkaBus[] = [];

  beforeAll(async () => {
    brokers = await kafkaBrokers();
    raw = await rawKafka(brokers);
  });
  afterEach(async () => {
    await Promise.allSettled(buses.splice(0).map((bus) => bus.close()));
  });
  afterAll(() => raw?.close());

  /** A bus whose topics are this test's own; fast retries, and a short session for rebalances. */
  async function bus(options: Partial<KafkaBusOptions> = {}) {
    const prefix = uniqueName('kafka');
    const created = await createKafkaBus({
      brokers,
      topicOf: (type) => `${prefix}.${defaultTopicOf(type)}`,
      retryDelayMs: 20,
      maxAttempts: 3,
      consumerTiming: { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 },
      ...options,
    });
    buses.push(created);
    return created;
  }

  const group = (name: string) => {
    const id = uniqueName(name);
    raw.track(deadLetterTopicOf(id));
    return id;
  };

  it('keeps each order’s events in order while the orders spread over three partitions', async () => {
    const events = await bus();
    const topic = events.topicOf('commlab.order.placed.v1');
    raw.track(topic);
    const seen = new Recorder();
    const billing = group('billing');
    await events.subscribe({ group: billing, types: ['commlab.order.placed.v1'] }, seen.handler('one'));
    await events.subscribe({ group: billing, types: ['commlab.order.placed.v1'] }, seen.handler('two'));

    const orders = Array.from({ length: 8 }, (_, i) => `order-${i}`);
    for (let n = 0; n < 5; n++) for (const order of orders) await events.publish(step(order, n));

    await until('all 40 events handled', () => seen.handled.length >= 40);
    for (const order of orders) expect(seen.sequences().get(order), order).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
    expect(await raw.partitionsUsed(topic)).toBe(3);
  });

  it('loses no event while a consumer joins the group and leaves it again', async () => {
    const events = await bus();
    raw.track(events.topicOf('commlab.order.placed.v1'));
    const seen = new Recorder();
    const shipping = group('shipping');
    const published: string[] = [];
    const publish = async () => {
      const event = step(`order-${published.length % 9}`, published.length);
      await events.publish(event);
      published.push(event.id);
    };

    await events.subscribe({ group: shipping, types: ['commlab.order.placed.v1'] }, seen.handler('stays'));
    for (let i = 0; i < 15; i++) await publish();
    await until('the first consumer handled the first batch', () => seen.ids('stays').length >= 15);

    const joiner = await events.subscribe(
      { group: shipping, types: ['commlab.order.placed.v1'] },
      seen.handler('joins'),
    );
    await until('the group rebalanced and the new consumer got a share', async () => {
      await publish();
      return seen.ids('joins').length > 0;
    });
    await joiner.close();
    const beforeLeaving = seen.ids('stays').length;
    for (let i = 0; i < 15; i++) await publish();

    await until('every published event handled', () => published.every((id) => seen.ids().includes(id)));
    expect(seen.ids('stays').length - beforeLeaving).toBeGreaterThanOrEqual(15);
  });

  it('parks poison, malformed, incomplete and unknown-version messages with the reason while the partition keeps flowing', async () => {
    const events = await bus();
    const topic = events.topicOf('commlab.order.placed.v1');
    raw.track(topic);
    const seen = new Recorder();
    const audit = group('audit');
    await events.subscribe(
      { group: audit, types: ['commlab.order.placed.v1'] },
      seen.handler('audit', (event) => {
        if ((event.data as { n: number }).n === 99) throw new PoisonEventError('n must be below 99');
      }),
    );

    // One key, so all of it shares a partition: nothing after a bad message may wait on it.
    const key = 'order-7';
    const good = (n: number) => step(key, n);
    const wire = toKafkaMessage(good(0));
    const withoutId = { ...wire.headers };
    delete withoutId.ce_id;
    const v2 = toKafkaMessage(newEvent({ source: '/t', type: 'commlab.order.placed.v2', subject: key, data: {} }));
    await events.publish(good(1));
    await events.publish(good(99));
    await raw.send(topic, [{ ...wire, value: Buffer.from('{"n": ') }]);
    await raw.send(topic, [{ ...wire, headers: withoutId }]);
    await raw.send(topic, [v2]);
    await events.publish(good(2));

    await until('the good events handled', () => seen.handled.length >= 2);
    expect(seen.sequences().get(key)).toEqual([{ n: 1 }, { n: 2 }]);
    const parked = await raw.take(deadLetterTopicOf(audit), 4);
    expect(parked.map((m) => m.headers?.[deadLetterReasonHeader]?.toString())).toEqual([
      'n must be below 99',
      expect.stringMatching(/^data is not valid JSON/),
      'missing CloudEvents attribute(s): id',
      'unknown event type commlab.order.placed.v2 (this consumer handles commlab.order.placed.v1)',
    ]);
    expect(parked.every((m) => m.key?.toString() === key)).toBe(true);
    expect(parked[0]!.headers?.['dead-letter-topic']?.toString()).toBe(topic);
  });

  it('retries a failing handler in place, and parks the event naming the last error once attempts run out', async () => {
    const events = await bus({ maxAttempts: 3 });
    raw.track(events.topicOf('commlab.order.placed.v1'));
    const attempts = new Map<number, number>();
    const seen = new Recorder();
    const stock = group('stock');
    await events.subscribe(
      { group: stock, types: ['commlab.order.placed.v1'] },
      seen.handler('stock', (event) => {
        const { n } = event.data as { n: number };
        attempts.set(n, (attempts.get(n) ?? 0) + 1);
        if (n === 1 && attempts.get(n)! < 3) throw new Error('lock timeout');
        if (n === 2) throw new Error('inventory says no');
      }),
    );
    await events.publish(step('order-1', 1));
    await events.publish(step('order-1', 2));
    await events.publish(step('order-1', 3));

    await until('the later event handled', () => seen.handled.some((h) => (h.event.data as { n: number }).n === 3));
    expect(seen.sequences().get('order-1')).toEqual([{ n: 1 }, { n: 3 }]);
    const [parked] = await raw.take(deadLetterTopicOf(stock), 1);
    expect(parked!.headers?.[deadLetterReasonHeader]?.toString()).toBe('gave up after 3 attempts: inventory says no');
    expect([attempts.get(1), attempts.get(2)]).toEqual([3, 3]);
  });

  it('replays a stopped group from an offset and from a point in time', async () => {
    const events = await bus();
    const topic = events.topicOf('commlab.order.placed.v1');
    raw.track(topic);
    const reporting = group('reporting');
    const first = Array.from({ length: 6 }, (_, i) => step(`order-${i}`, i));
    for (const event of first) await events.publish(event);

    const consumeAll = async (expected: number) => {
      const seen = new Recorder();
      const sub = await events.subscribe({ group: reporting, types: ['commlab.order.placed.v1'] }, seen.handler('r'));
      await until(`${expected} events consumed`, () => seen.handled.length >= expected);
      await sub.close();
      return seen;
    };
    await consumeAll(6);

    const rewound = await events.replay({ group: reporting, topic, from: { offset: 0 } });
    expect(rewound.map((p) => p.offset)).toEqual(['0', '0', '0']);
    expect((await consumeAll(6)).ids().sort()).toEqual(first.map((e) => e.id).sort());

    const since = Date.now();
    while (Date.now() === since) await new Promise((resolve) => setTimeout(resolve, 1));
    const later = [step('order-1', 10), step('order-2', 11)];
    for (const event of later) await events.publish(event);
    await consumeAll(2);
    await events.replay({ group: reporting, topic, from: { timestamp: since + 1 } });
    const replayed = await consumeAll(2);
    expect(replayed.ids().sort()).toEqual(later.map((e) => e.id).sort());
  });

  it('refuses to rewind a group while it still has running consumers', async () => {
    const events = await bus();
    const topic = events.topicOf('commlab.order.placed.v1');
    raw.track(topic);
    const live = group('live');
    const seen = new Recorder();
    await events.subscribe({ group: live, types: ['commlab.order.placed.v1'] }, seen.handler('live'));
    await events.publish(step('order-1', 1));
    await until('the consumer is running', () => seen.handled.length === 1);
    await expect(events.replay({ group: live, topic, from: { offset: 0 } })).rejects.toThrow(
      `consumer group ${live} still has running consumers (Stable); stop them first`,
    );
  });

  it('applies an event delivered twice once, with the idempotent consumer', async () => {
    const events = await bus();
    raw.track(events.topicOf('commlab.order.placed.v1'));
    const db = sqliteDatabase(':memory:');
    await db.setUp('CREATE TABLE invoices (event_id TEXT NOT NULL)');
    const invoice = idempotent(await processedEvents(db), 'invoicing', async (event, tx) => {
      await tx.execute('INSERT INTO invoices VALUES (?)', [event.id]);
    });
    let deliveries = 0;
    await events.subscribe({ group: group('invoicing'), types: ['commlab.order.placed.v1'] }, async (event) => {
      await invoice(event);
      deliveries++;
    });
    const twice = step('order-1', 1);
    await events.publish(twice);
    await events.publish(twice);
    await events.publish(step('order-1', 2));

    await until('three deliveries handled', () => deliveries === 3);
    const rows = await db.query<{ n: number }>('SELECT count(*) AS n FROM invoices GROUP BY event_id');
    expect(rows.map((row) => row.n)).toEqual([1, 1]);
  });
});
