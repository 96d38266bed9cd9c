/**
 * Poison messages: a consumer that cannot process a message must neither crash nor retry it
 * forever, or the queue behind it stalls. The bus dead-letters each one with the reason in a
 * `dead-letter-reason` header, and the next message flows. Transient failures are retried
 * first, up to the queue's delivery limit.
 */
import amqp from 'amqplib';
import {
  createRabbitMqBus,
  deadLetterReason,
  newEvent,
  PoisonEventError,
  rabbitMqNames,
  toAmqpMessage,
  type CloudEvent,
} from '@commlab/events';
import { brokers } from './brokers.ts';
import { deleteAmqp, runAsScript, runId, until, type Print } from './support.ts';

const placed = 'commlab.order.placed.v1';
const order = (subject: string, data: object) => newEvent({ source: '/lab05', type: placed, subject, data });

export interface DeadLetterOutcome {
  handled: string[];
  deadLetters: { subject: string; reason: string }[];
}

export async function deadLetters(print: Print): Promise<DeadLetterOutcome> {
  const exchange = `lab05.dlx-demo.${runId()}`;
  const group = `${exchange}.shipping`;
  const names = rabbitMqNames(exchange, group);
  // One message at a time, so the output is in publishing order.
  const bus = await createRabbitMqBus({
    url: brokers.amqpUrl,
    exchange,
    prefetch: 1,
    maxAttempts: 3,
    retryDelayMs: 100,
  });
  const outcome: DeadLetterOutcome = { handled: [], deadLetters: [] };
  const raw = await amqp.connect(brokers.amqpUrl);
  try {
    await bus.subscribe({ group, types: [placed] }, async (event: CloudEvent) => {
      const data = event.data as { lines?: unknown[]; warehouse?: string };
      if (!data.lines?.length) throw new PoisonEventError('order has no lines');
      if (data.warehouse === 'offline') throw new Error('warehouse API timed out');
      outcome.handled.push(event.subject);
    });

    const channel = await raw.createConfirmChannel();
    const send = async (routingKey: string, content: Buffer, options: amqp.Options.Publish) => {
      channel.publish(exchange, routingKey, content, options);
      await channel.waitForConfirms();
    };
    const good = toAmqpMessage(order('order-3', {}));
    const withoutId = { ...good.options.headers };
    delete withoutId.cloudEvents_id;

    await bus.publish(order('order-1', { lines: [{ sku: 'KB-001', quantity: 1 }] }));
    await bus.publish(order('order-2', { lines: [] }));
    await send(placed, Buffer.from('{"lines": [{"sku": '), {
      ...good.options,
      headers: { ...good.options.headers, cloudEvents_subject: 'order-3' },
    });
    await send(placed, good.content, { ...good.options, headers: { ...withoutId, cloudEvents_subject: 'order-4' } });
    const v2 = toAmqpMessage(
      newEvent({ source: '/lab05', type: 'commlab.order.placed.v2', subject: 'order-5', data: {} }),
    );
    await send('commlab.order.placed.v2', v2.content, v2.options);
    await bus.publish(order('order-6', { lines: [{ sku: 'MS-002', quantity: 1 }], warehouse: 'offline' }));
    await bus.publish(order('order-7', { lines: [{ sku: 'CH-011', quantity: 1 }] }));

    await until('the last order handled', () => outcome.handled.includes('order-7'));
    const waiting = async () => (await channel.checkQueue(names.deadLetterQueue)).messageCount;
    await until('five dead letters', async () => (await waiting()) === 5);
    for (let i = 0; i < 5; i++) {
      const message = await channel.get(names.deadLetterQueue, { noAck: true });
      const headers: Record<string, unknown> = (message && message.properties.headers) || {};
      outcome.deadLetters.push({
        subject: String(headers.cloudEvents_subject),
        reason: deadLetterReason(headers) ?? '?',
      });
    }
  } finally {
    await bus.close();
    await raw.close();
    await deleteAmqp({ queues: [group, names.deadLetterQueue], exchanges: [exchange, names.deadLetterExchange] });
  }

  print(`handled: ${outcome.handled.join(', ')}`);
  print(`dead-lettered to ${names.deadLetterQueue.replace(exchange, 'lab05')}, each with its reason:`);
  for (const { subject, reason } of outcome.deadLetters) print(`  ${subject}: ${reason}`);
  return outcome;
}

if (import.meta.main) runAsScript(deadLetters);
