import type { EventLog, LogEntry } from './event-log.ts';

/** Where one client's entries go: a WebSocket, an SSE response, a long-poll answer. */
export interface Sink {
  /** The stream starts after this id; called before the first entry. */
  started(after: number): void;
  /** Sends one entry. Returns true when the client's unsent backlog is now over the limit. */
  push(entry: LogEntry): boolean;
  /** Resolves once the backlog is back under the limit (replay waits on it). */
  drained(): Promise<void>;
  /** The client fell behind while live: end it, telling it to resume after `lastId`. */
  overflow(lastId: number): void;
}

export interface StreamOptions {
  /** Resume after this id; undefined = only entries appended from now on. */
  after?: number | undefined;
  /** Only these orders (of the customer). */
  orders?: readonly string[] | undefined;
}

export interface Stream {
  /** The id the stream started after (what `subscribed` announces). */
  readonly after: number;
  close(): void;
}

const replayPage = 500;

/**
 * Streams a customer's entries of the event log to many clients: first what each missed
 * (replayed from the log, at the pace the client reads), then live entries as they are
 * appended. Live entries that arrive during the replay wait in a buffer, and every entry is
 * sent only if its id is above the last one sent, so the hand-over from replay to live has no
 * gap and no duplicate.
 */
export class Fanout {
  readonly #log: EventLog;
  readonly #byCustomer = new Map<string, Set<(entry: LogEntry) => void>>();
  readonly #unsubscribe: () => void;

  constructor(log: EventLog) {
    this.#log = log;
    this.#unsubscribe = log.subscribe((entry) => {
      for (const deliver of this.#byCustomer.get(entry.customerId) ?? []) deliver(entry);
    });
  }

  /** Number of open streams (for logs and readiness). */
  get streams(): number {
    let count = 0;
    for (const set of this.#byCustomer.values()) count += set.size;
    return count;
  }

  async open(customerId: string, options: StreamOptions, sink: Sink): Promise<Stream> {
    const wanted = options.orders ? new Set(options.orders) : undefined;
    let lastSent = 0;
    let replaying = true;
    let closed = false;
    const pending: LogEntry[] = [];

    const send = (entry: LogEntry): boolean => {
      if (entry.id <= lastSent) return false;
      lastSent = entry.id;
      if (wanted && !wanted.has(entry.orderId)) return false;
      return sink.push(entry);
    };
    const live = (entry: LogEntry) => {
      if (closed) return;
      if (replaying) return void pending.push(entry);
      if (send(entry)) {
        closed = true;
        remove();
        sink.overflow(lastSent);
      }
    };
    const listeners = this.#byCustomer.get(customerId) ?? new Set();
    this.#byCustomer.set(customerId, listeners);
    listeners.add(live);
    const remove = () => {
      listeners.delete(live);
      if (listeners.size === 0) this.#byCustomer.delete(customerId);
    };

    // Listen first, then look: anything appended meanwhile is in `pending`, never lost.
    const after = options.after ?? (await this.#log.head());
    lastSent = after;
    sink.started(after);
    const stream: Stream = {
      after,
      close: () => {
        closed = true;
        remove();
      },
    };
    try {
      for (;;) {
        const page = await this.#log.read({ customerId, after: lastSent, limit: replayPage });
        for (const entry of page) {
          if (closed) return stream;
          if (send(entry)) await sink.drained();
        }
        if (page.length < replayPage) break;
      }
    } catch (err) {
      stream.close();
      throw err;
    }
    replaying = false;
    for (const entry of pending.splice(0)) live(entry);
    return stream;
  }

  close(): void {
    this.#unsubscribe();
    this.#byCustomer.clear();
  }
}
