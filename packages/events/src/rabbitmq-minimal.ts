// TEMPORARY — a deliberately minimal RabbitMQ adapter, so that lab 02 runs before the real
// RabbitMQ and Kafka adapters land. It will be replaced by the real one when those are merged;
// services reach it only through open-bus.ts, so the swap touches one line there.
//
// It does what the EventPublisher/EventSubscriber contract promises and nothing more:
// publisher confirms, `mandatory` publishing (an event no queue would receive is refused, not
// lost), manual acks after the handler resolved, a delayed requeue when it threw, and
// dead-lettering with the reason for a PoisonEventError. It does not reconnect: a lost
// connection makes ping() fail (readiness turns 503) and publishing throw.
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { PoisonEventError, type EventHandler, type EventPublisher, type EventSubscriber } from './bus.ts';
import type { CloudEvent } from './envelope.ts';

export interface MinimalRabbitMqOptions {
  url: string;
  /** Prefix of the exchange and queue names (tests use a unique one per run). */
  namespace: string;
  /** How long a handler's transient failure waits before the event is redelivered. */
  retryDelayMs?: number;
  onError?: (err: unknown, context: string) => void;
}

export interface MinimalRabbitMq {
  publisher: EventPublisher;
  subscriber: EventSubscriber;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Names on the broker: one topic exchange routed by event type, one queue per consumer group. */
export function rabbitMqNames(namespace: string) {
  return {
    exchange: `${namespace}.events`,
    deadLetterExchange: `${namespace}.events.dead`,
    deadLetterQueue: `${namespace}.dead-letters`,
    queue: (group: string) => `${namespace}.${group}`,
  };
}

const ceHeader = 'cloudEvents:';
const attributes = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'traceparent'] as const;

export async function connectMinimalRabbitMq(options: MinimalRabbitMqOptions): Promise<MinimalRabbitMq> {
  const names = rabbitMqNames(options.namespace);
  const onError = options.onError ?? (() => {});
  const model: ChannelModel = await connect(options.url);
  let lost: Error | undefined;
  model.on('error', (err: Error) => onError(err, 'connection'));
  model.on('close', (err?: Error) => {
    if (err) lost = err;
  });

  const confirms: ConfirmChannel = await model.createConfirmChannel();
  confirms.on('error', (err: Error) => onError(err, 'publish channel'));
  await confirms.assertExchange(names.exchange, 'topic', { durable: true });
  await confirms.assertExchange(names.deadLetterExchange, 'fanout', { durable: true });
  await confirms.assertQueue(names.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await confirms.bindQueue(names.deadLetterQueue, names.deadLetterExchange, '');

  // RabbitMQ sends basic.return before the confirm of the same message, so a returned id is
  // known by the time its confirm callback runs.
  const returned = new Set<string>();
  confirms.on('return', (message: ConsumeMessage) => returned.add(String(message.properties.messageId)));

  function send(exchange: string, routingKey: string, body: Buffer, props: object, mandatory: boolean) {
    return new Promise<void>((resolve, reject) => {
      const messageId = (props as { messageId: string }).messageId;
      confirms.publish(exchange, routingKey, body, { ...props, persistent: true, mandatory }, (err: unknown) => {
        if (err) return reject(err instanceof Error ? err : new Error(`broker refused ${messageId}`));
        if (returned.delete(messageId)) return reject(new Error(`no queue is bound for ${routingKey} yet`));
        resolve();
      });
    });
  }

  const publisher: EventPublisher = {
    publish: (event) => {
      if (lost) return Promise.reject(new Error(`RabbitMQ connection lost: ${lost.message}`));
      return send(names.exchange, event.type, encode(event), properties(event), true);
    },
    close: async () => {},
  };

  const consumers: { channel: Channel; tag: string; idle: () => Promise<void> }[] = [];
  const subscriber: EventSubscriber = {
    subscribe: async ({ group, types }, handler) => {
      const queue = names.queue(group);
      const channel = await model.createChannel();
      channel.on('error', (err: Error) => onError(err, `queue ${queue}`));
      await channel.assertQueue(queue, {
        durable: true,
        deadLetterExchange: names.deadLetterExchange,
        arguments: { 'x-queue-type': 'quorum' },
      });
      for (const type of types) await channel.bindQueue(queue, names.exchange, type);
      await channel.prefetch(16);
      // One event at a time, in queue order: a placed event is handled before its cancellation.
      let chain = Promise.resolve();
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (message) chain = chain.then(() => deliver(channel, message, handler));
      });
      const consumer = { channel, tag: consumerTag, idle: () => chain };
      consumers.push(consumer);
      return {
        close: async () => {
          await channel.cancel(consumerTag).catch(() => {});
          await chain;
          await channel.close().catch(() => {});
          consumers.splice(consumers.indexOf(consumer), 1);
        },
      };
    },
  };

  async function deliver(channel: Channel, message: ConsumeMessage, handler: EventHandler): Promise<void> {
    try {
      await handler(decode(message));
      channel.ack(message);
    } catch (err) {
      if (err instanceof PoisonEventError) {
        await deadLetter(message, err).then(
          () => channel.ack(message),
          (publishErr: unknown) => {
            onError(publishErr, 'dead-lettering');
            channel.nack(message, false, false);
          },
        );
        return;
      }
      onError(err, `handler of ${String(message.properties.type ?? message.fields.routingKey)}`);
      await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 1_000));
      channel.nack(message, false, true);
    }
  }

  function deadLetter(message: ConsumeMessage, err: Error): Promise<void> {
    const headers = { ...message.properties.headers, 'x-poison-reason': err.message };
    const messageId = String(message.properties.messageId ?? `dead-${Date.now()}-${Math.random()}`);
    return send(
      names.deadLetterExchange,
      message.fields.routingKey,
      message.content,
      { ...message.properties, headers, messageId },
      false,
    );
  }

  return {
    publisher,
    subscriber,
    ping: async () => {
      if (lost) throw new Error(`RabbitMQ connection lost: ${lost.message}`);
      await confirms.checkExchange(names.exchange);
    },
    close: async () => {
      for (const consumer of [...consumers]) {
        await consumer.channel.cancel(consumer.tag).catch(() => {});
        await consumer.idle();
      }
      await model.close().catch(() => {});
    },
  };
}

/** CloudEvents AMQP binding, binary mode: attributes as `cloudEvents:*` headers, data as the body. */
function properties(event: CloudEvent) {
  const headers: Record<string, string> = {};
  for (const name of attributes) {
    const value = event[name];
    if (value !== undefined) headers[`${ceHeader}${name}`] = value;
  }
  return {
    headers,
    messageId: event.id,
    type: event.type,
    contentType: event.datacontenttype,
    timestamp: Math.floor(Date.parse(event.time) / 1000),
  };
}

function encode(event: CloudEvent): Buffer {
  return Buffer.from(JSON.stringify(event.data));
}

/** Anything that is not a well-formed CloudEvent can never be processed: a poison event. */
function decode(message: ConsumeMessage): CloudEvent {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const attr = (name: string) => {
    const value = headers[`${ceHeader}${name}`];
    return typeof value === 'string' || Buffer.isBuffer(value) ? value.toString() : undefined;
  };
  const missing = ['specversion', 'id', 'source', 'type', 'subject', 'time'].filter((name) => !attr(name));
  if (missing.length > 0) throw new PoisonEventError(`not a CloudEvent: missing ${missing.join(', ')}`);
  if (attr('specversion') !== '1.0') throw new PoisonEventError(`unsupported specversion ${attr('specversion')}`);
  let data: unknown;
  try {
    data = JSON.parse(message.content.toString('utf8'));
  } catch {
    throw new PoisonEventError('event data is not valid JSON');
  }
  const traceparent = attr('traceparent');
  return {
    specversion: '1.0',
    id: attr('id')!,
    source: attr('source')!,
    type: attr('type')!,
    subject: attr('subject')!,
    time: attr('time')!,
    datacontenttype: 'application/json',
    data,
    ...(traceparent && { traceparent }),
  };
}
