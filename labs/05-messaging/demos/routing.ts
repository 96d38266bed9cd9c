/**
 * Exchanges route; queues store. A topic exchange matches each message's routing key (our
 * event type) against every binding pattern — `*` one word, `#` any number — and copies the
 * message into each queue that matches. A fanout exchange copies every message into every
 * bound queue, whatever its key.
 */
import amqp, { type Channel } from 'amqplib';
import { newEvent, toAmqpMessage } from '@commlab/events';
import { brokers } from './brokers.ts';
import { deleteAmqp, runAsScript, runId, type Print } from './support.ts';

const bindings = {
  billing: 'commlab.order.placed.*',
  cancellations: '*.*.cancelled.*',
  audit: 'commlab.#',
};
const dashboards = ['dashboard-1', 'dashboard-2'];
const types = [
  'commlab.order.placed.v1',
  'commlab.order.cancelled.v1',
  'commlab.inventory.reserved.v1',
  'shop.basket.updated.v1',
];

/** For each event type published: the queues it reached, per exchange kind. */
export type Routes = Record<'topic' | 'fanout', Record<string, string[]>>;

export async function routing(print: Print): Promise<Routes> {
  const run = runId();
  const topic = `lab05.routing.${run}`;
  const fanout = `lab05.broadcast.${run}`;
  const queueOf = (name: string) => `${topic}.${name}`;
  const connection = await amqp.connect(brokers.amqpUrl);
  const routes: Routes = { topic: {}, fanout: {} };
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange(topic, 'topic', { durable: false, autoDelete: true });
    await channel.assertExchange(fanout, 'fanout', { durable: false, autoDelete: true });
    for (const [name, pattern] of Object.entries(bindings)) {
      await channel.assertQueue(queueOf(name), { durable: false });
      await channel.bindQueue(queueOf(name), topic, pattern);
    }
    for (const name of dashboards) {
      await channel.assertQueue(queueOf(name), { durable: false });
      await channel.bindQueue(queueOf(name), fanout, '');
    }

    for (const type of types) {
      const { content, options } = toAmqpMessage(newEvent({ source: '/lab05', type, subject: 'order-1', data: {} }));
      channel.publish(topic, type, content, options);
      channel.publish(fanout, type, content, options);
    }
    await channel.waitForConfirms();

    for (const name of [...Object.keys(bindings), ...dashboards]) {
      const kind = dashboards.includes(name) ? 'fanout' : 'topic';
      for (const type of await drain(channel, queueOf(name))) (routes[kind][type] ??= []).push(name);
    }
  } finally {
    await connection.close();
    await deleteAmqp({ queues: [...Object.keys(bindings), ...dashboards].map(queueOf) });
  }
  for (const byType of Object.values(routes)) for (const queues of Object.values(byType)) queues.sort();

  print(
    `topic exchange, bindings: ${Object.entries(bindings)
      .map(([q, p]) => `${q} ← ${p}`)
      .join(', ')}`,
  );
  for (const type of types)
    print(`  ${type.padEnd(30)} → ${(routes.topic[type] ?? ['(no queue matches: dropped)']).join(', ')}`);
  print(`fanout exchange, bound: ${dashboards.join(', ')}`);
  for (const type of types) print(`  ${type.padEnd(30)} → ${(routes.fanout[type] ?? []).join(', ')}`);
  return routes;
}

/** The event types waiting in a queue, in order (confirmed publishes are already enqueued). */
async function drain(channel: Channel, queue: string): Promise<string[]> {
  const types: string[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) return types;
    types.push(String(message.properties.type));
  }
}

if (import.meta.main) runAsScript(routing);
