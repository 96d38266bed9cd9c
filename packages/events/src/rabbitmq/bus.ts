import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import { vhostOf } from '../backlog.ts';
import type { EventBus } from '../bus.ts';
import type { CloudEvent } from '../envelope.ts';
import { silentLog, type BusLog } from '../log.ts';
import { openSubscriptions } from '../subscriptions.ts';
import { sendTraced } from '../tracing.ts';
import { roundTrip } from '../within.ts';
import { toAmqpMessage } from '../wire/amqp-binding.ts';
import { publishConfirmed } from './confirmed.ts';
import { consume, deadLetterHeaders } from './consumer.ts';
import { AmqpLink, amqpUrls, KeptChannel } from './link.ts';
import { assertExchange, namesFor } from './topology.ts';

export interface RabbitMqBusOptions {
  /**
   * e.g. amqp://guest:guest@127.0.0.1:5672, or a cluster's nodes comma-separated
   * (amqp://…:5673,amqp://…:5674,amqp://…:5675): the bus connects to one and fails over to
   * the next when it dies.
   */
  url: string;
  /** The topic exchange every event is published to. */
  exchange?: string;
  /** Names this client's connection on the broker (rabbitmqctl list_connections user_provided_name). */
  connectionName?: string;
  prefetch?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  /** How long a publish may wait for a confirm, through an outage, before it rejects. */
  publishTimeoutMs?: number;
  /** Send a message again when its node died before confirming it (default); see ConfirmPolicy. */
  resendUnconfirmed?: boolean;
  connectRetries?: number;
  log?: BusLog;
}

export interface RabbitMqBus extends EventBus {
  readonly exchange: string;
  /** The node this bus is connected to right now (password hidden); undefined while reconnecting. */
  connectedTo(): string | undefined;
}

export const rabbitMqDefaults = {
  exchange: 'commlab.events',
  prefetch: 10,
  maxAttempts: 5,
  retryDelayMs: 1_000,
  publishTimeoutMs: 30_000,
  resendUnconfirmed: true,
  connectRetries: 10,
};

/**
 * The event bus on RabbitMQ: one self-recovering connection, a confirm channel for
 * publishing (and for dead letters), and one channel per subscription.
 */
export async function createRabbitMqBus(options: RabbitMqBusOptions): Promise<RabbitMqBus> {
  const settings = { ...rabbitMqDefaults, ...withoutUndefined(options), url: options.url };
  const log = options.log ?? silentLog;
  const link = await AmqpLink.open({
    urls: amqpUrls(settings.url),
    connectionName: settings.connectionName ?? `commlab-events-${randomUUID().slice(0, 8)}`,
    connectRetries: settings.connectRetries,
    log,
  });
  const publishing = new KeptChannel<ConfirmChannel>(
    link,
    (model) => model.createConfirmChannel(),
    async (channel) => {
      await assertExchange(channel, settings.exchange);
    },
    log,
  );
  const policy = { timeoutMs: settings.publishTimeoutMs, resendUnconfirmed: settings.resendUnconfirmed };
  const subscriptions = openSubscriptions();
  try {
    await publishing.start();
  } catch (err) {
    await link.close();
    throw err;
  }

  return {
    exchange: settings.exchange,

    connectedTo: () => link.node,

    publish: (event: CloudEvent) =>
      sendTraced(
        event,
        {
          system: 'rabbitmq',
          destination: settings.exchange,
          attributes: { 'messaging.rabbitmq.destination.routing_key': event.type },
        },
        (traced) => {
          const { content, options: properties } = toAmqpMessage(traced);
          return publishConfirmed(publishing, policy, {
            exchange: settings.exchange,
            routingKey: traced.type,
            content,
            options: properties,
            what: `event ${traced.id} (${traced.type})`,
          });
        },
      ),

    subscribe: async ({ group, types }, handler) => {
      const names = namesFor(settings.exchange, group);
      const subscription = await consume(
        link,
        {
          names,
          types,
          prefetch: settings.prefetch,
          maxAttempts: settings.maxAttempts,
          retryDelayMs: settings.retryDelayMs,
          vhost: vhostOf(amqpUrls(settings.url)[0]!),
          log,
          deadLetter: (message, reason) =>
            publishConfirmed(publishing, policy, {
              exchange: names.deadLetterExchange,
              routingKey: names.queue,
              content: message.content,
              options: { ...message.properties, headers: deadLetterHeaders(message, names.queue, reason) },
              what: `dead letter of ${String(message.properties.messageId ?? 'a message')}`,
            }),
        },
        handler,
      );
      return subscriptions.track(subscription);
    },

    ping: async () => {
      // Between a lost connection and the reconnect, publishes wait: not ready meanwhile.
      const channel = link.model && publishing.now;
      if (!channel) throw new Error('RabbitMQ connection lost; reconnecting');
      // A round trip, so a connection that hangs without closing is noticed too.
      await roundTrip(channel.checkExchange(settings.exchange), 'RabbitMQ');
    },

    close: async () => {
      await subscriptions.closeAll();
      await publishing.close();
      await link.close();
    },
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
