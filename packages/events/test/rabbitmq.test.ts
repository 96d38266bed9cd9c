import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase } from '@commlab/sql';
import { amqpUrl, closeAmqpConnections, freePort } from '@commlab/testkit';
import {
  createRabbitMqBus,
  deadLetterReason,
  idempotent,
  processedEvents,
  newEvent,
  PoisonEventError,
  PublishError,
  rabbitMqNames,
  toAmqpMessage,
  type RabbitMqBus,
  type RabbitMqBusOptions,
} from '../src/index.ts';
import { rawAmqp } from './support/amqp.ts';
import { logRecorder, Recorder } from './support/recorder.ts';
import { tcpProxy } from './support/tcp-proxy.ts';
import { gate, uniqueName, until } from './support/wait.ts';

const placed = (subject: string, data: unknown = { subject }) =>
  newEvent({ source: '/test', type: 'commlab.order.placed.v1', subject, data });
const cancelled = (subject: string) =>
  newEvent({ source: '/test', type: 'commlab.order.cancelled.v1', subject, data: { subject } });

describe('RabbitMQ event bus', () => {
  let url: string;
  let raw: Awaited<ReturnType<typeof rawAmqp>>;
  const buses: RabbitMqBus[] = [];

  beforeAll(async () => {
    url = await amqpUrl();
    raw = await rawAmqp(url);
  });
  afterEach(async () => {
    await Promise.allSettled(buses.splice(0).map((bus) => bus.close()));
  });
  afterAll(() => raw?.close());

  /** A bus on its own exchange, with fast retries; its queues are deleted after the file. */
  async function bus(options: Partial<RabbitMqBusOptions> = {}, groups: string[] = []) {
    const exchange = options.exchange ?? uniqueName('exchange');
    const created = await createRabbitMqBus({ url, exchange, retryDelayMs: 20, maxAttempts: 3, ...options });
    buses.push(created);
    raw.track({ exchanges: [exchange, `${exchange}.dlx`], queues: groups.flatMap((g) => [g, `${g}.dlq`]) });
    return created;
  }

  it('delivers each event to every group subscribed to its type, and only to those', async () => {
    const [billing, audit] = [uniqueName('billing'), uniqueName('audit')];
    const events = await bus({}, [billing, audit]);
    const seen = new Recorder();
    await events.subscribe({ group: billing, types: ['commlab.order.placed.v1'] }, seen.handler('billing'));
    await events.subscribe(
      { group: audit, types: ['commlab.order.placed.v1', 'commlab.order.cancelled.v1'] },
      seen.handler('audit'),
    );

    const [a, b] = [placed('order-1'), cancelled('order-1')];
    await events.publish(a);
    await events.publish(b);

    await until('audit saw both events', () => seen.ids('audit').length === 2);
    expect(seen.ids('audit').sort()).toEqual([a.id, b.id].sort());
    expect(seen.ids('billing')).toEqual([a.id]);
  });

  it('shares a group’s work between competing consumers, none holding more than its prefetch', async () => {
    const group = uniqueName('workers');
    const events = await bus({ prefetch: 2 }, [group]);
    const seen = new Recorder();
    const holding = new Map<string, number>();
    const mostHeld = new Map<string, number>();
    const bothBusy = gate();
    const worker = (name: string) =>
      seen.handler(name, async () => {
        holding.set(name, (holding.get(name) ?? 0) + 1);
        mostHeld.set(name, Math.max(mostHeld.get(name) ?? 0, holding.get(name)!));
        if (mostHeld.size === 2) bothBusy.open();
        // Workers hold their jobs until both have one: the broker must hand the second
        // worker jobs while the first is full, which is what prefetch is for.
        await bothBusy.opened;
        holding.set(name, holding.get(name)! - 1);
      });
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, worker('first'));
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, worker('second'));

    const jobs = Array.from({ length: 20 }, (_, i) => placed(`order-${i}`));
    for (const job of jobs) await events.publish(job);

    await until('every job handled', () => seen.handled.length === jobs.length);
    expect(seen.ids().sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(seen.ids('first').length).toBeGreaterThan(0);
    expect(seen.ids('second').length).toBeGreaterThan(0);
    expect(Math.max(...mostHeld.values())).toBeLessThanOrEqual(2);
  });

  it('delivers an event again after its handler failed, until it succeeds', async () => {
    const group = uniqueName('flaky');
    const events = await bus({ maxAttempts: 3 }, [group]);
    let attempts = 0;
    const seen = new Recorder();
    await events.subscribe(
      { group, types: ['commlab.order.placed.v1'] },
      seen.handler('flaky', () => {
        if (++attempts < 3) throw new Error('database briefly unavailable');
      }),
    );
    const event = placed('order-9');
    await events.publish(event);

    await until('handled on the third attempt', () => seen.handled.length === 1);
    expect(attempts).toBe(3);
    expect(await raw.depth(`${group}.dlq`)).toBe(0);
  });

  it('dead-letters a poison event with the reason while the events after it still flow', async () => {
    const group = uniqueName('poison');
    const events = await bus({ prefetch: 1 }, [group]);
    const seen = new Recorder();
    await events.subscribe(
      { group, types: ['commlab.order.placed.v1'] },
      seen.handler('shipping', (event) => {
        if (event.subject === 'order-bad') throw new PoisonEventError('order has no lines');
      }),
    );
    const poison = placed('order-bad');
    const after = [placed('order-1'), placed('order-2'), placed('order-3')];
    for (const event of [poison, ...after]) await events.publish(event);

    await until('the events after the poison handled', () => seen.handled.length === 3);
    expect(seen.ids()).toEqual(after.map((e) => e.id));
    const [dead] = await raw.take(rabbitMqNames(events.exchange, group).deadLetterQueue, 1);
    expect(deadLetterReason(dead!.properties.headers)).toBe('order has no lines');
    expect(dead!.properties.messageId).toBe(poison.id);
  });

  it('dead-letters malformed JSON, missing CloudEvents attributes and unknown versions, naming each reason, and keeps consuming', async () => {
    const group = uniqueName('strict');
    const events = await bus({}, [group]);
    const seen = new Recorder();
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, seen.handler('strict'));
    const good = toAmqpMessage(placed('order-1'));
    const key = 'commlab.order.placed.v1';

    await raw.publish(events.exchange, key, Buffer.from('{"orderId": '), good.options);
    const withoutIdAndSource = { ...good.options.headers };
    delete withoutIdAndSource.cloudEvents_id;
    delete withoutIdAndSource.cloudEvents_source;
    await raw.publish(events.exchange, key, good.content, { ...good.options, headers: withoutIdAndSource });
    const v2 = toAmqpMessage(newEvent({ source: '/test', type: 'commlab.order.placed.v2', subject: 'o', data: {} }));
    await raw.publish(events.exchange, 'commlab.order.placed.v2', v2.content, v2.options);
    const last = placed('order-after');
    await events.publish(last);

    await until('the good event handled', () => seen.handled.length === 1);
    expect(seen.ids()).toEqual([last.id]);
    const dead = await raw.take(`${group}.dlq`, 3);
    expect(dead.map((m) => deadLetterReason(m.properties.headers))).toEqual([
      expect.stringMatching(/^data is not valid JSON/),
      'missing CloudEvents attribute(s): id, source',
      'unknown event type commlab.order.placed.v2 (this consumer handles commlab.order.placed.v1)',
    ]);
  });

  it('dead-letters an event whose handler keeps failing, naming the last error, after maxAttempts', async () => {
    const group = uniqueName('hopeless');
    const events = await bus({ maxAttempts: 3 }, [group]);
    let attempts = 0;
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, async () => {
      attempts++;
      throw new Error('inventory says no');
    });
    await events.publish(placed('order-5'));

    const [dead] = await raw.take(`${group}.dlq`, 1);
    expect(deadLetterReason(dead!.properties.headers)).toBe('gave up after 3 attempts: inventory says no');
    expect(attempts).toBe(3);
  });

  it('lets the broker dead-letter a message that keeps coming back once it passes the delivery limit', async () => {
    // A consumer that dies on every delivery never gets to dead-letter anything itself; the
    // quorum queue's x-delivery-limit is the backstop. Plain nack-and-requeue plays that consumer.
    const group = uniqueName('crashy');
    const events = await bus({ maxAttempts: 2 }, [group]);
    const subscription = await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, async () => {});
    await subscription.close();
    const event = placed('order-crash');
    await events.publish(event);
    const returned = await raw.returnEveryDelivery(group);

    const [dead] = await raw.take(`${group}.dlq`, 1);
    await returned.stop();
    expect(dead!.properties.messageId).toBe(event.id);
    expect(deadLetterReason(dead!.properties.headers)).toBe('broker: delivery_limit');
  });

  it('loses no confirmed event when the broker closes the connection mid-stream', async () => {
    const group = uniqueName('outage');
    const connectionName = uniqueName('connection');
    const { lines, log } = logRecorder();
    const events = await bus({ connectionName, log }, [group]);
    const seen = new Recorder();
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, seen.handler('outage'));

    const published: string[] = [];
    const publish = async () => {
      const event = placed(`order-${published.length % 7}`, { n: published.length });
      await events.publish(event);
      published.push(event.id);
    };
    while (published.length < 20) await publish();
    // The broker drops our connection (as `rabbitmqctl close_connection` does) while we keep
    // publishing, and we go on publishing after it.
    let dropped = false;
    const closing = closeAmqpConnections(connectionName).finally(() => (dropped = true));
    while (!dropped) {
      await publish();
      await new Promise((resolve) => setTimeout(resolve, 10)); // a steady stream, not a flood
    }
    expect(await closing).toBe(1);
    for (let i = 0; i < 20; i++) await publish();

    await until('every confirmed event consumed', () => published.every((id) => seen.ids().includes(id)));
    expect(lines.some((line) => line.startsWith('RabbitMQ connection lost'))).toBe(true);
  });

  it('holds publishes through a network outage and confirms them once the connection is back', async () => {
    const proxy = await tcpProxy({ host: new URL(url).hostname, port: Number(new URL(url).port || 5672) });
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    const group = uniqueName('partition');
    const events = await bus({ url: proxied.toString(), publishTimeoutMs: 30_000 }, [group]);
    const seen = new Recorder();
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, seen.handler('partition'));

    proxy.cut();
    const during = [placed('order-1'), placed('order-2')];
    let settled = false;
    const publishing = Promise.all(during.map((e) => events.publish(e))).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    proxy.restore();

    await publishing;
    await until('both consumed after the outage', () => seen.handled.length >= 2);
    expect(new Set(seen.ids())).toEqual(new Set(during.map((e) => e.id)));
    await proxy.close();
  });

  it('rejects a publish with a clear error when the broker stays unreachable', async () => {
    const proxy = await tcpProxy({ host: new URL(url).hostname, port: Number(new URL(url).port || 5672) });
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    const events = await bus({ url: proxied.toString(), publishTimeoutMs: 1_000 });

    proxy.cut();
    await until('the bus noticed its connection is gone', () => events.connectedTo() === undefined);
    const event = placed('order-1');
    const outcome = events.publish(event);
    await expect(outcome).rejects.toThrow(PublishError);
    await expect(outcome).rejects.toThrow(
      `event ${event.id} (commlab.order.placed.v1) was not confirmed by RabbitMQ within 1000 ms`,
    );
    // It never left this process: surely not stored, so "failed", not "unknown".
    await expect(outcome).rejects.toMatchObject({ outcome: 'failed' });
    await proxy.close();
  });

  it('reports a publish whose connection died before its confirm as unknown, never as confirmed, when told not to resend', async () => {
    const proxy = await tcpProxy({ host: new URL(url).hostname, port: Number(new URL(url).port || 5672) });
    const proxied = Object.assign(new URL(url), { port: String(proxy.port) }).toString();
    const events = await bus({ url: proxied, resendUnconfirmed: false });
    const outcome = events.publish(placed('order-1'));
    proxy.cut(); // before the publish's microtasks write it: it leaves, and no confirm can come back
    await expect(outcome).rejects.toThrow(/was sent but its channel closed before RabbitMQ confirmed it/);
    await expect(outcome).rejects.toMatchObject({ outcome: 'unknown' });
    await proxy.close();
  });

  it('sends a nacked event again until the broker takes it, and reports one it keeps refusing as failed', async () => {
    // A queue that holds one message and refuses (nacks) publishes beyond that.
    const events = await bus({ publishTimeoutMs: 1_500 });
    const full = uniqueName('full');
    raw.track({ queues: [full] });
    await raw.declare(full, { 'x-queue-type': 'classic', 'x-max-length': 1, 'x-overflow': 'reject-publish' });
    await raw.bind(full, events.exchange, 'commlab.order.placed.v1');
    await events.publish(placed('order-1'));

    const second = events.publish(placed('order-2'));
    await new Promise((resolve) => setTimeout(resolve, 300)); // nacked meanwhile, and sent again
    await raw.take(full, 1); // room for one
    await second;

    const third = events.publish(placed('order-3'));
    await expect(third).rejects.toThrow(/was not confirmed by RabbitMQ within 1500 ms; RabbitMQ nacked it \d+ times/);
    await expect(third).rejects.toMatchObject({ outcome: 'failed' });
  });

  it('connects to the next node of its URL list when the first does not answer', async () => {
    const nowhere = `amqp://guest:guest@127.0.0.1:${await freePort()}`;
    const group = uniqueName('second-node');
    const events = await bus({ url: `${nowhere},${url}` }, [group]);
    const seen = new Recorder();
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, seen.handler('second'));
    const event = placed('order-1');
    await events.publish(event);

    await until('the event consumed', () => seen.handled.length === 1);
    expect(events.connectedTo()).toBe(redactedUrl(url));
  });

  it('fails over to the next node when its node drops it, declares its queue again and resumes consuming', async () => {
    const target = { host: new URL(url).hostname, port: Number(new URL(url).port || 5672) };
    // Two "nodes": two relays to the one broker, so that one can die while the other lives.
    const [first, second] = [await tcpProxy(target), await tcpProxy(target)];
    const through = (port: number) => Object.assign(new URL(url), { port: String(port) }).toString();
    const group = uniqueName('failover');
    const { lines, log } = logRecorder();
    const events = await bus({ url: `${through(first.port)},${through(second.port)}`, log }, [group]);
    const seen = new Recorder();
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, seen.handler('failover'));
    const before = [placed('order-1'), placed('order-2')];
    for (const event of before) await events.publish(event);
    await until('the first events consumed', () => seen.handled.length === 2);
    expect(events.connectedTo()).toContain(`:${first.port}`);

    first.cut(); // the node dies and stays dead
    const after = [placed('order-3'), placed('order-4')];
    for (const event of after) await events.publish(event);

    // At least once: a delivery whose ack died with the first node comes again.
    await until('the events after the failover consumed', () => after.every((e) => seen.ids().includes(e.id)));
    expect(new Set(seen.ids())).toEqual(new Set([...before, ...after].map((e) => e.id)));
    expect(events.connectedTo()).toContain(`:${second.port}`);
    expect(lines.some((line) => line.startsWith('RabbitMQ connection lost'))).toBe(true);
    await Promise.all([first.close(), second.close()]);
  });

  it('applies an event delivered twice once, with the idempotent consumer', async () => {
    const group = uniqueName('dedupe');
    const events = await bus({}, [group]);
    const db = sqliteDatabase(':memory:');
    await db.setUp('CREATE TABLE shipments (event_id TEXT NOT NULL)');
    const ship = idempotent(await processedEvents(db), group, async (event, tx) => {
      await tx.execute('INSERT INTO shipments VALUES (?)', [event.id]);
    });
    let deliveries = 0;
    await events.subscribe({ group, types: ['commlab.order.placed.v1'] }, async (event) => {
      await ship(event);
      deliveries++;
    });
    // The same event twice: what a producer's resend after a lost confirm does.
    const twice = placed('order-1');
    await events.publish(twice);
    await events.publish(twice);
    await events.publish(placed('order-2'));

    await until('three deliveries handled', () => deliveries === 3);
    const rows = await db.query<{ n: number }>('SELECT event_id, count(*) AS n FROM shipments GROUP BY event_id');
    expect(rows.map((row) => row.n)).toEqual([1, 1]);
  });

  it('refuses to subscribe when the group queue exists with other arguments, saying which', async () => {
    const [exchange, group] = [uniqueName('exchange'), uniqueName('conflict')];
    const first = await bus({ exchange, maxAttempts: 3 }, [group]);
    await first.subscribe({ group, types: ['commlab.order.placed.v1'] }, async () => {});
    const second = await bus({ exchange, maxAttempts: 9 });
    await expect(second.subscribe({ group, types: ['commlab.order.placed.v1'] }, async () => {})).rejects.toThrow(
      /inequivalent arg 'x-delivery-limit'/,
    );
  });
});

/** A URL as the bus shows it: password hidden. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
