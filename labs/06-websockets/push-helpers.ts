import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { LabUnderTest } from '@commlab/lab/testing';
import { signToken, subprotocol, type PushEvent, type ServerMessage } from '@commlab/push';
import { pushSecret } from './lab.ts';

/** Test helpers for lab 06: tokens, injected order events, and a raw WebSocket client that records everything. */
export const tokenFor = (customerId: string, ttlSeconds = 3600) => signToken(pushSecret, customerId, ttlSeconds);

/** The event type that brings an order to each status (the order event contract). */
const typeFor = { pending: 'placed', confirmed: 'confirmed', rejected: 'rejected', cancelled: 'cancelled' } as const;

/** An order event as the order service would publish it; /inject checks it against the same contract. */
export const orderEvent = (customerId: string, orderId: string, status: keyof typeof typeFor = 'pending') => ({
  id: randomUUID(),
  type: `commlab.order.${typeFor[status]}.v1`,
  subject: orderId,
  data: { orderId, customerId, status, lines: [{ sku: 'KB-001', quantity: 1 }], createdAt: new Date().toISOString() },
});

/**
 * Appends events to the event log through the lab-only /inject switch; answers their ids. In
 * requests of 1,000 events: notification in a container holds 1,000 open sockets in ~100 MB of
 * its 128 MiB, and once closed the connection while parsing 2,000 at once.
 */
export async function inject(notificationUrl: string, events: object[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < events.length; i += 1_000) {
    const response = await fetch(`${notificationUrl}/inject`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events.slice(i, i + 1_000)),
    });
    if (response.status !== 200) throw new Error(`inject answered ${response.status}: ${await response.text()}`);
    ids.push(...((await response.json()) as { ids: number[] }).ids);
  }
  return ids;
}

export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RecordingSocket {
  socket: WebSocket;
  messages: ServerMessage[];
  events(): PushEvent[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** Pings received since the socket was created (counted from the start: the first may come before `open` resolves). */
  pings(): number;
}

/** A raw `ws` client (so tests can misbehave: skip pongs, stop reading, send junk). */
export function openSocket(
  lab: LabUnderTest,
  customerId: string,
  options: WebSocket.ClientOptions & { token?: string } = {},
): Promise<RecordingSocket> {
  const { token = tokenFor(customerId), ...wsOptions } = options;
  const url = `ws://${lab.addr('notification')}/ws`;
  const socket = new WebSocket(url, [subprotocol], { headers: { authorization: `Bearer ${token}` }, ...wsOptions });
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  let pings = 0;
  socket.on('ping', () => pings++);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        socket,
        messages,
        closed,
        events: () => messages.flatMap((m) => (m.type === 'event' ? [m.event] : [])),
        send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
        pings: () => pings,
      }),
    );
    socket.once('unexpected-response', (_request, response) =>
      reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode })),
    );
    socket.once('error', reject);
  });
}

/** Opens a socket and subscribes; resolves once the server confirmed the subscription. */
export async function subscribed(
  lab: LabUnderTest,
  customerId: string,
  subscribe: { after?: number; orders?: string[] } = {},
  options: WebSocket.ClientOptions = {},
): Promise<RecordingSocket> {
  const client = await openSocket(lab, customerId, options);
  client.send({ type: 'subscribe', ...subscribe });
  await until(() => client.messages.some((m) => m.type === 'subscribed'), 'subscribed');
  return client;
}
