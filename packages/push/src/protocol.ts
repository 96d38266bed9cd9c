/**
 * The push protocol between the notification service and its clients (WebSocket frames; the
 * same `PushEvent` travels over Server-Sent Events and long-polling). A contract: changing a
 * field, an error code or a close code breaks clients.
 */

/** One order status change, as a client sees it. `id` grows by one per customer-visible change. */
export interface PushEvent {
  /** Monotonically increasing across the whole feed: resume with the last one you saw. */
  id: number;
  customerId: string;
  orderId: string;
  /** e.g. placed, confirmed, shipped, cancelled. */
  status: string;
  /** The CloudEvents type it came from, e.g. commlab.order.placed.v1. */
  eventType: string;
  /** When the change happened (the event's time). */
  time: string;
}

/** Client → server. The first frame after opening; a connection subscribes once. */
export interface SubscribeMessage {
  type: 'subscribe';
  /** The last event id already seen; missed events follow first. Omit to get only new ones. */
  after?: number;
  /** Only these orders of the customer; omit for all of them. */
  orders?: string[];
}

export type ClientMessage = SubscribeMessage;

/** Server → client. */
export type ServerMessage =
  | { type: 'subscribed'; after: number; orders: string[] | null }
  | { type: 'event'; event: PushEvent }
  | { type: 'error'; code: ErrorCode; message: string; fatal: boolean };

/** Stable codes of error frames; a fatal one is followed by a close. */
export const errorCodes = {
  INVALID_JSON: 'a text frame that is not JSON (fatal)',
  BINARY_NOT_SUPPORTED: 'a binary frame; the protocol is JSON text (fatal)',
  UNKNOWN_TYPE: 'a JSON message whose `type` the server does not know (not fatal)',
  INVALID_MESSAGE: 'a known type with missing or mistyped fields (not fatal)',
  ALREADY_SUBSCRIBED: 'a second subscribe on one connection (not fatal)',
  RATE_LIMITED: 'more messages per second than allowed (fatal, close 1008)',
} as const;
export type ErrorCode = keyof typeof errorCodes;

/** Close codes the server uses, and what a client should do about each. */
export const closeCodes = {
  normal: 1000, // the client asked to close: done
  goingAway: 1001, // the server is stopping or restarting: reconnect and resume
  policy: 1008, // rate limit exceeded: reconnect later, more slowly
  tooBig: 1009, // a frame over the size limit: fix the client, do not retry the same frame
  internal: 1011, // the server failed: reconnect and resume
  protocolError: 4400, // a fatal bad frame (see the error frame before it): fix the client
  tokenExpired: 4401, // the bearer token expired: get a new one, then reconnect and resume
  slowConsumer: 4409, // the client read too slowly and fell behind: reconnect and resume
} as const;

/** The subprotocol a client offers; browsers cannot set headers, so the token may ride along as `bearer.<token>`. */
export const subprotocol = 'commlab.push.v1';
export const bearerPrefix = 'bearer.';
