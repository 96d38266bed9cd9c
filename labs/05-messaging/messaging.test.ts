import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaBus, newEvent, type KafkaBus } from '@commlab/events';
import { closeAmqpConnections } from '@commlab/testkit';
import { deadLetters } from './demos/dead-letter.ts';
import { kafkaOrdering } from './demos/kafka-ordering.ts';
import { kafkaRebalance } from './demos/kafka-rebalance.ts';
import { kafkaReplay } from './demos/kafka-replay.ts';
import { outage } from './demos/outage.ts';
import { routing } from './demos/routing.ts';
import { consumerTiming, deleteTopics, runId, until } from './demos/support.ts';
import { brokers } from './demos/brokers.ts';
import { workQueue } from './demos/work-queue.ts';
import { parseReplayArgs } from './replay.ts';

const quiet = () => {};

describe('lab 05-messaging: RabbitMQ', () => {
  it('shares a work queue between competing workers, each within its prefetch, every job once', async () => {
    const rounds = await workQueue(quiet);
    for (const round of rounds) {
      expect(round.everyJobOnce, `prefetch ${round.prefetch}`).toBe(true);
      expect(round.mostHeld).toBeLessThanOrEqual(round.prefetch);
      expect(round.handled.fast + round.handled.slow).toBe(12);
      expect(round.handled.slow, 'the slow worker gets work too').toBeGreaterThan(0);
    }
  });

  it('routes by binding pattern on a topic exchange and to every queue on a fanout exchange', async () => {
    const routes = await routing(quiet);
    expect(routes.topic).toEqual({
      'commlab.order.placed.v1': ['audit', 'billing'],
      'commlab.order.cancelled.v1': ['audit', 'cancellations'],
      'commlab.inventory.reserved.v1': ['audit'],
    });
    for (const type of ['commlab.order.placed.v1', 'commlab.order.cancelled.v1', 'shop.basket.updated.v1']) {
      expect(routes.fanout[type]).toEqual(['dashboard-1', 'dashboard-2']);
    }
  });

  it('dead-letters each unprocessable message with its reason while the others are handled', async () => {
    const outcome = await deadLetters(quiet);
    expect(outcome.handled).toEqual(['order-1', 'order-7']);
    expect(outcome.deadLetters).toEqual([
      { subject: 'order-2', reason: 'order has no lines' },
      { subject: 'order-3', reason: expect.stringMatching(/^data is not valid JSON/) },
      { subject: 'order-4', reason: 'missing CloudEvents attribute(s): id' },
      {
        subject: 'order-5',
        reason: 'unknown event type commlab.order.placed.v2 (this consumer handles commlab.order.placed.v1)',
      },
      { subject: 'order-6', reason: 'gave up after 3 attempts: warehouse API timed out' },
    ]);
  });

  it('loses no confirmed event in the outage drill when the broker drops the connection', async () => {
    const connectionName = `lab05-outage-test-${runId()}`;
    const lines: string[] = [];
    const started = Promise.withResolvers<void>();
    // The drill runs until the broker has dropped it, and a second more.
    const dropped = started.promise.then(() => closeAmqpConnections(connectionName));
    const result = await outage(
      (line) => {
        lines.push(line);
        if (line.startsWith('published 10,')) started.resolve();
      },
      { seconds: 1, connectionName, runUntil: dropped },
    );
    expect(await dropped).toBe(1);
    expect(lines).toContain('  [bus] RabbitMQ connection lost; reconnecting');
    expect(result.lost).toBe(0);
    expect(result.published).toBeGreaterThan(10);
  }, 60_000);
});

describe('lab 05-messaging: Kafka', () => {
  it("keeps every order's events in order while orders spread over the partitions", async () => {
    const outcome = await kafkaOrdering(quiet);
    expect(outcome.inOrder).toBe(true);
    expect(new Set(Object.values(outcome.orders).map((o) => o.partition)).size).toBeGreaterThan(1);
  });

  it('moves partitions when a consumer joins and leaves, and loses no event', async () => {
    const outcome = await kafkaRebalance(quiet);
    expect(outcome.lost).toBe(0);
    const [alone, shared, again] = outcome.assignments;
    expect(alone).toEqual({ A: [0, 1, 2] });
    expect([...shared!.A!, ...shared!.B!].sort()).toEqual([0, 1, 2]);
    expect(again).toEqual({ A: [0, 1, 2] });
  });

  it('re-reads from an offset and from a point in time after rewinding the group', async () => {
    const { reads } = await kafkaReplay(quiet);
    expect(reads).toEqual([
      ['placed', 'reserved', 'paid', 'shipped', 'delivered'],
      ['paid', 'shipped', 'delivered'],
      ['delivered'],
    ]);
  });
});

describe('lab 05-messaging: the replay command', () => {
  const script = fileURLToPath(new URL('./replay.ts', import.meta.url));
  const replay = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  let bus: KafkaBus;
  const run = runId();
  const topic = `lab05.replay-command.${run}`;
  const group = `lab05.replay-command.${run}`;

  beforeAll(async () => {
    bus = await createKafkaBus({ brokers: brokers.kafka, topicOf: () => topic, consumerTiming });
  });
  afterAll(async () => {
    await bus?.close();
    await deleteTopics([topic, `${group}.dlt`]);
  });

  it('rewinds a stopped group so its next run reads again from the offset given', async () => {
    for (const n of [0, 1, 2]) {
      await bus.publish(newEvent({ source: '/test', type: 'lab05.tick.v1', subject: 'one-key', data: { n } }));
    }
    const readAll = async (count: number) => {
      const read: number[] = [];
      const sub = await bus.subscribe(
        { group, types: ['lab05.tick.v1'] },
        async (e) => void read.push((e.data as { n: number }).n),
      );
      await until(`${count} read`, () => read.length >= count);
      await sub.close();
      return read;
    };
    expect(await readAll(3)).toEqual([0, 1, 2]);

    const rewound = replay('--group', group, '--topic', topic, '--offset', '1');
    expect(rewound.status, rewound.stdout).toBe(0);
    expect(rewound.stdout).toMatch(
      new RegExp(`^rewound group ${group.replaceAll('.', '\\.')} on .*\n  partition 0: offset`),
    );
    expect(await readAll(2)).toEqual([1, 2]);
  });

  it('says what is wrong with a topic that does not exist, and exits 1', () => {
    const result = replay('--group', group, '--topic', `${topic}.missing`, '--offset', '0');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(`cannot rewind: topic ${topic}.missing does not exist\n`);
  });

  it.each([
    [[], '--group and --topic are required'],
    [['--group', 'g', '--topic', 't'], 'give exactly one of --offset and --time'],
    [['--group', 'g', '--topic', 't', '--offset', '1', '--time', 'now'], 'give exactly one of --offset and --time'],
    [['--group', 'g', '--topic', 't', '--offset', 'x'], '--offset x is not a non-negative integer'],
    [
      ['--group', 'g', '--topic', 't', '--offset', '1', '--partition', '1.5'],
      '--partition 1.5 is not a non-negative integer',
    ],
    [['--group', 'g', '--topic', 't', '--time', 'yesterday'], '--time yesterday is not an ISO 8601 time'],
  ])('refuses the arguments %j: %s', (args, problem) => {
    expect(parseReplayArgs(args)).toBe(problem);
  });

  it('reads a time or an offset on one partition into a replay request', () => {
    expect(parseReplayArgs(['--group', 'g', '--topic', 't', '--time', '2026-05-01T12:00:00Z'])).toEqual({
      group: 'g',
      topic: 't',
      from: { timestamp: Date.parse('2026-05-01T12:00:00Z') },
    });
    expect(parseReplayArgs(['--group', 'g', '--topic', 't', '--offset', '4', '--partition', '2'])).toEqual({
      group: 'g',
      topic: 't',
      from: { offset: 4, partition: 2 },
    });
  });

  it('exits 2 with the usage on bad arguments', () => {
    const result = replay('--group', 'g');
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^--group and --topic are required\n\nusage: /);
  });
});
