import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { BusLog } from '../log.ts';

export interface LinkOptions {
  /** The broker's URL, or the URLs of a cluster's nodes: the link connects to one at a time. */
  urls: readonly string[];
  /** Shown by `rabbitmqctl list_connections user_provided_name` and the management UI. */
  connectionName: string;
  /** Rounds over all URLs before giving up at start-up; after that it retries forever. */
  connectRetries: number;
  log: BusLog;
}

/** How long one connection attempt may take: a node that accepts nothing must not stall failover. */
const connectTimeoutMs = 5_000;
const maxDelayMs = 5_000;

/**
 * One AMQP connection that comes back by itself, to whichever node of a cluster answers.
 * amqplib's own recovery knows a single URL, so the link owns the list: when its node dies it
 * tries the next one at once, then the others in turn, with exponential backoff and jitter
 * between full rounds. Channels do not survive a reconnect, so each KeptChannel opens itself
 * again — re-declaring its topology and its consumer — on the new connection.
 */
export class AmqpLink {
  readonly #urls: readonly string[];
  readonly #options: LinkOptions;
  readonly #onConnect = new Set<() => void>();
  #model: ChannelModel | undefined;
  #node = 0;
  #rounds = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: LinkOptions) {
    if (options.urls.length === 0) throw new Error('RabbitMQ: no URL given');
    this.#urls = options.urls;
    this.#options = options;
  }

  static async open(options: LinkOptions): Promise<AmqpLink> {
    const link = new AmqpLink(options);
    const failures: string[] = [];
    for (let round = 0; ; round++) {
      failures.length = 0;
      if (await link.#tryEachNode(failures)) return link;
      if (round >= options.connectRetries) break;
      await new Promise((resolve) => setTimeout(resolve, backoff(round)));
    }
    throw new Error(`cannot connect to RabbitMQ: ${failures.join('; ')}`);
  }

  /** The live connection, if there is one right now. */
  get model(): ChannelModel | undefined {
    return this.#model;
  }

  /** The node the link is connected to right now (password hidden), for logs and tests. */
  get node(): string | undefined {
    return this.#model ? redact(this.#urls[this.#node]!) : undefined;
  }

  /** Calls `listener` after every reconnect; returns the unsubscribe. */
  onConnect(listener: () => void): () => void {
    this.#onConnect.add(listener);
    return () => this.#onConnect.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#onConnect.clear();
    clearTimeout(this.#timer);
    const model = this.#model;
    this.#model = undefined;
    await model?.close().catch(() => {});
  }

  /** One round: each node once, starting with the current one. True once connected. */
  async #tryEachNode(failures: string[]): Promise<boolean> {
    for (let i = 0; i < this.#urls.length && !this.#closed; i++) {
      const node = (this.#node + i) % this.#urls.length;
      const url = this.#urls[node]!;
      try {
        const model = await amqp.connect(url, {
          clientProperties: { connection_name: this.#options.connectionName },
          timeout: connectTimeoutMs,
        });
        if (this.#closed) {
          await model.close().catch(() => {});
          return false;
        }
        this.#node = node;
        this.#rounds = 0;
        this.#watch(model);
        return true;
      } catch (err) {
        failures.push(`${redact(url)}: ${(err as Error).message}`);
      }
    }
    return false;
  }

  #watch(model: ChannelModel): void {
    const { log } = this.#options;
    this.#model = model;
    model.on('error', (err: Error) => log.warn({ err: err.message }, 'RabbitMQ connection error'));
    model.once('close', (err?: Error) => {
      if (this.#model !== model) return;
      this.#model = undefined;
      if (this.#closed) return;
      log.warn({ node: redact(this.#urls[this.#node]!), err: err?.message }, 'RabbitMQ connection lost; reconnecting');
      // The node that just dropped us is the least likely to take us back: start with the next.
      this.#node = (this.#node + 1) % this.#urls.length;
      void this.#reconnect();
    });
    if (this.#urls.length > 1) log.info({ node: redact(this.#urls[this.#node]!) }, 'RabbitMQ connected');
    for (const listener of this.#onConnect) listener();
  }

  async #reconnect(): Promise<void> {
    const failures: string[] = [];
    if (await this.#tryEachNode(failures)) return;
    if (this.#closed) return;
    const delay = backoff(this.#rounds++);
    this.#options.log.info({ attempt: this.#rounds, delay, failures }, 'RabbitMQ reconnect scheduled');
    this.#timer = setTimeout(() => void this.#reconnect(), delay);
  }
}

/** Exponential backoff with ±20 % jitter, so clients of a restarted cluster do not reconnect in step. */
function backoff(round: number): number {
  const base = Math.min(maxDelayMs / 1.2, 100 * 2 ** round);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The URLs of AMQP_URL-style configuration: one URL, or a cluster's nodes comma-separated. */
export function amqpUrls(url: string): string[] {
  const urls = url
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  if (urls.length === 0) throw new Error('RabbitMQ: no URL given');
  return urls;
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

  /**
   * Closes `channel` if it is still the current one, so that a fresh one opens (with its
   * setup) in its place: for a channel that is open but no longer works.
   */
  replace(channel: C): void {
    if (this.#channel !== channel) return;
    // Not current from now on: callers wait for the fresh one instead of publishing into one
    // that is closing (amqplib throws at once there, and a caller retrying would spin).
    this.#channel = undefined;
    void channel
      .close()
      .catch(() => {})
      .finally(() => void this.#ensure());
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
