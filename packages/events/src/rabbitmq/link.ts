import amqp, { type Channel, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { BusLog } from '../log.ts';

export interface LinkOptions {
  url: string;
  /** Shown by `rabbitmqctl list_connections user_provided_name` and the management UI. */
  connectionName: string;
  /** Connection attempts before giving up at start-up; after that it retries forever. */
  connectRetries: number;
  log: BusLog;
}

/**
 * One AMQP connection that comes back by itself. amqplib's opt-in recovery reconnects
 * with exponential backoff and jitter; channels do not survive a reconnect, so each
 * KeptChannel opens itself again on the new connection.
 */
export class AmqpLink {
  readonly #connection: RecoveringChannelModel;
  readonly #onConnect = new Set<() => void>();
  #model: ChannelModel | undefined;

  private constructor(connection: RecoveringChannelModel, log: BusLog) {
    this.#connection = connection;
    connection.on('connect', (model: ChannelModel) => {
      this.#model = model;
      for (const listener of this.#onConnect) listener();
    });
    connection.on('disconnect', (err: Error) => {
      this.#model = undefined;
      log.warn({ err: err.message }, 'RabbitMQ connection lost; reconnecting');
    });
    connection.on('reconnect-scheduled', ({ attempt, delay }: { attempt: number; delay: number }) =>
      log.info({ attempt, delay }, 'RabbitMQ reconnect scheduled'),
    );
    connection.on('error', (err: Error) => log.warn({ err: err.message }, 'RabbitMQ connection error'));
  }

  static async open(options: LinkOptions): Promise<AmqpLink> {
    const connection = await amqp.connect(options.url, {
      clientProperties: { connection_name: options.connectionName },
      recovery: {
        initialDelay: 100,
        maxDelay: 5_000,
        initialMaxRetries: options.connectRetries,
        maxRetries: Infinity,
        waitForConnect: false,
      },
    });
    const link = new AmqpLink(connection, options.log);
    await connection.waitForConnect().catch((err: Error) => {
      throw new Error(`cannot connect to RabbitMQ at ${redact(options.url)}: ${err.message}`, { cause: err });
    });
    return link;
  }

  /** The live connection, if there is one right now. */
  get model(): ChannelModel | undefined {
    return this.#model;
  }

  /** Calls `listener` after every reconnect; returns the unsubscribe. */
  onConnect(listener: () => void): () => void {
    this.#onConnect.add(listener);
    return () => this.#onConnect.delete(listener);
  }

  close(): Promise<void> {
    this.#onConnect.clear();
    return this.#connection.close();
  }
}

/**
 * A channel that opens itself again — with its setup (topology, prefetch, consumer) —
 * whenever it or its connection closes, until closed on purpose.
 */
export class KeptChannel<C extends Channel> {
  readonly #link: AmqpLink;
  readonly #open: (model: ChannelModel) => Promise<C>;
  readonly #setup: (channel: C) => Promise<void>;
  readonly #log: BusLog;
  readonly #stopListening: () => void;
  #channel: C | undefined;
  #opening: Promise<void> | undefined;
  #failures = 0;
  #closed = false;
  #waiters: ((channel: C) => void)[] = [];

  constructor(
    link: AmqpLink,
    open: (model: ChannelModel) => Promise<C>,
    setup: (channel: C) => Promise<void>,
    log: BusLog,
  ) {
    this.#link = link;
    this.#open = open;
    this.#setup = setup;
    this.#log = log;
    this.#stopListening = link.onConnect(() => void this.#ensure());
  }

  /** Opens the first channel; a setup that fails now (e.g. conflicting queue arguments) fails loudly. */
  async start(): Promise<void> {
    const model = this.#link.model;
    if (!model) throw new Error('RabbitMQ is not connected');
    this.#opening = this.#openOn(model).finally(() => {
      this.#opening = undefined;
    });
    await this.#opening;
  }

  /** The open channel, waiting through an outage for the next one. */
  current(): Promise<C> {
    if (this.#channel) return Promise.resolve(this.#channel);
    if (this.#closed) return Promise.reject(new Error('channel closed on purpose'));
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** The open channel right now, without waiting. */
  get now(): C | undefined {
    return this.#channel;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopListening();
    const channel = this.#channel;
    this.#channel = undefined;
    await channel?.close().catch(() => {});
  }

  async #openOn(model: ChannelModel): Promise<void> {
    const channel = await this.#open(model);
    channel.on('error', (err: Error) => this.#log.warn({ err: err.message }, 'RabbitMQ channel error'));
    channel.once('close', () => {
      if (this.#channel !== channel) return;
      this.#channel = undefined;
      if (!this.#closed) setTimeout(() => void this.#ensure(), this.#delay());
    });
    try {
      await this.#setup(channel);
    } catch (err) {
      await channel.close().catch(() => {});
      throw err;
    }
    if (this.#closed) {
      await channel.close().catch(() => {});
      return;
    }
    this.#channel = channel;
    this.#failures = 0;
    for (const resolve of this.#waiters.splice(0)) resolve(channel);
  }

  /** Reopens after a loss, on the current connection; a reconnect calls this again. */
  #ensure(): Promise<void> | undefined {
    if (this.#closed || this.#channel || this.#opening) return;
    const model = this.#link.model;
    if (!model) return;
    this.#opening = this.#openOn(model)
      .catch((err: Error) => {
        this.#failures++;
        this.#log.warn({ err: err.message }, 'reopening a RabbitMQ channel failed; trying again');
        setTimeout(() => void this.#ensure(), this.#delay());
      })
      .finally(() => {
        this.#opening = undefined;
      });
    return this.#opening;
  }

  #delay(): number {
    return Math.min(5_000, 100 * 2 ** this.#failures);
  }
}

export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
