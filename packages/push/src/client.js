// @ts-check
/**
 * The push client: one WebSocket to the notification service that survives drops. It
 * reconnects with exponential backoff and full jitter (so a thousand clients cut off at
 * once do not come back at once), and resumes from the last event id it saw, so the stream
 * it hands on has no gaps and no duplicates.
 *
 * Plain JavaScript on purpose: browsers load this very file (the notification service
 * serves it at /push/client.js) and Node 24 imports it too (its global WebSocket). Types
 * come from the JSDoc below and protocol.ts; `tsc` checks them.
 */

/** @typedef {import('./protocol.ts').PushEvent} PushEvent */
/** @typedef {import('./protocol.ts').ServerMessage} ServerMessage */
/**
 * @typedef {object} PushStatus
 * @property {'connecting' | 'open' | 'reconnecting' | 'stopped' | 'failed'} state
 * @property {number} [code] close code that led here
 * @property {string} [reason] close reason or error message
 * @property {number} [delayMs] wait before the next attempt
 * @property {number} [after] on open: the id the server resumes after
 */
/**
 * @typedef {object} PushClientOptions
 * @property {string} url ws:// or wss:// address of /ws
 * @property {string | (() => string | Promise<string>)} token bearer token, or a function asked before every connect
 * @property {(event: PushEvent) => void} onEvent
 * @property {(status: PushStatus) => void} [onStatus]
 * @property {(error: { code: string, message: string, fatal: boolean }) => void} [onError] error frames
 * @property {string[]} [orders] only these orders; default all of the customer's
 * @property {number} [after] resume after this id; default: only new events
 * @property {number} [initialDelayMs] first backoff step (default 250)
 * @property {number} [maxDelayMs] backoff cap (default 15000)
 * @property {SocketFactory} [WebSocketImpl] defaults to the global WebSocket
 */
/**
 * The part of the WebSocket API the client uses (the browser's, Node's global, or `ws`).
 * @typedef {object} SocketLike
 * @property {(data: string) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {(() => void) | null} onopen
 * @property {((message: { data: unknown }) => void) | null} onmessage
 * @property {((close: { code: number, reason: string }) => void) | null} onclose
 */
/** @typedef {new (url: string, protocols: string[]) => SocketLike} SocketFactory */

const subprotocol = 'commlab.push.v1';
/** Close codes after which trying again cannot help (see protocol.ts closeCodes). */
const fatal = new Set([1009, 4400]);

export class PushClient {
  /** @type {PushClientOptions} */ #options;
  /** @type {SocketLike | undefined} */ #socket;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #timer;
  #attempt = 0;
  #stopped = false;
  /** @type {number | undefined} */ #lastId;

  /** @param {PushClientOptions} options */
  constructor(options) {
    this.#options = options;
    this.#lastId = options.after;
  }

  /** The id of the last event handed on: what a reconnect resumes after. */
  get lastId() {
    return this.#lastId;
  }

  start() {
    this.#stopped = false;
    void this.#connect();
    return this;
  }

  /** Closes for good (code 1000); no reconnect follows. */
  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000, 'client stopped');
    this.#status({ state: 'stopped' });
  }

  async #connect() {
    if (this.#stopped) return;
    this.#status({ state: this.#attempt === 0 ? 'connecting' : 'reconnecting' });
    let token;
    try {
      token = typeof this.#options.token === 'function' ? await this.#options.token() : this.#options.token;
    } catch (err) {
      return this.#retry(undefined, `no token: ${/** @type {Error} */ (err).message}`);
    }
    const Impl = this.#options.WebSocketImpl ?? /** @type {SocketFactory} */ (/** @type {unknown} */ (WebSocket));
    const socket = new Impl(this.#options.url, [subprotocol, `bearer.${token}`]);
    this.#socket = socket;
    socket.onopen = () => {
      /** @type {{ type: 'subscribe', after?: number, orders?: string[] }} */
      const subscribe = { type: 'subscribe' };
      if (this.#lastId !== undefined) subscribe.after = this.#lastId;
      if (this.#options.orders) subscribe.orders = this.#options.orders;
      socket.send(JSON.stringify(subscribe));
    };
    socket.onmessage = (message) => this.#receive(String(message.data));
    socket.onclose = (close) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (this.#stopped) return;
      if (fatal.has(close.code)) {
        this.#stopped = true;
        this.#status({ state: 'failed', code: close.code, reason: close.reason });
        return;
      }
      this.#retry(close.code, close.reason);
    };
  }

  /** @param {string} text */
  #receive(text) {
    if (this.#stopped) return;
    /** @type {ServerMessage} */
    const message = JSON.parse(text);
    if (message.type === 'subscribed') {
      this.#attempt = 0; // a working connection resets the backoff
      this.#status({ state: 'open', after: message.after });
    } else if (message.type === 'event') {
      // The server sends each id once per connection; the guard makes a resume overlap harmless.
      if (this.#lastId !== undefined && message.event.id <= this.#lastId) return;
      this.#lastId = message.event.id;
      this.#options.onEvent(message.event);
    } else if (message.type === 'error') {
      this.#options.onError?.(message);
    }
  }

  /**
   * @param {number | undefined} code
   * @param {string} reason
   */
  #retry(code, reason) {
    const { initialDelayMs = 250, maxDelayMs = 15_000 } = this.#options;
    // Full jitter: anywhere between 0 and the exponential step.
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** this.#attempt);
    const delayMs = Math.round(Math.random() * ceiling);
    this.#attempt++;
    /** @type {PushStatus} */
    const status = { state: 'reconnecting', reason, delayMs };
    if (code !== undefined) status.code = code;
    this.#status(status);
    this.#timer = setTimeout(() => void this.#connect(), delayMs);
  }

  /** @param {PushStatus} status */
  #status(status) {
    this.#options.onStatus?.(status);
  }
}
