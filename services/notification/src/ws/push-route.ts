import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { pushTraced, type EdgeReporter } from '@commlab/kit';
import { closeCodes, subprotocol, type ServerMessage } from '@commlab/push';
import type { Fanout, Stream } from '../domain/fanout.ts';
import type { LogEntry } from '../domain/event-log.ts';
import type { NotificationSettings } from '../config.ts';
import { authenticate, claims, type AuthSettings } from '../http/auth.ts';
import { reportPush, toPushEvent } from '../http/push-event.ts';
import { parseClientFrame } from './client-messages.ts';
import { rateLimiter } from './rate-limit.ts';

export type PushSettings = AuthSettings &
  Pick<
    NotificationSettings,
    'PUSH_HEARTBEAT_MS' | 'PUSH_MAX_BUFFERED_BYTES' | 'PUSH_MAX_MESSAGE_BYTES' | 'PUSH_RATE_PER_SEC'
  >;

interface Connection {
  socket: WebSocket;
  alive: boolean;
}

/**
 * GET /ws: the WebSocket push endpoint. The upgrade is authorised first (see auth.ts); then
 * the client sends one `subscribe` and receives what it missed followed by live events.
 *
 * Heartbeat: every PUSH_HEARTBEAT_MS the server pings each socket; a socket that has not answered
 * the previous ping is dead (a vanished laptop, a silent NAT drop) and is terminated, so no
 * resources stay with a client that is gone.
 *
 * Backpressure: a client that reads slower than events arrive builds up unsent bytes on the
 * server. Past PUSH_MAX_BUFFERED_BYTES the connection is closed with 4409 (resume from your last id)
 * instead of queueing without bound: one slow reader costs only its own connection.
 */
export async function pushRoute(
  app: FastifyInstance,
  { fanout, config, edges }: { fanout: Fanout; config: PushSettings; edges: EdgeReporter },
) {
  const connections = new Set<Connection>();

  await app.register(websocket, {
    options: {
      maxPayload: config.PUSH_MAX_MESSAGE_BYTES,
      handleProtocols: (offered: Set<string>) => (offered.has(subprotocol) ? subprotocol : false),
    },
    preClose(done) {
      for (const { socket } of connections) socket.close(closeCodes.goingAway, 'server restarting: resume');
      done();
    },
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        app.log.info('no pong since the last ping: terminating a dead connection');
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, config.PUSH_HEARTBEAT_MS);
  app.addHook('onClose', async () => clearInterval(heartbeat));

  app.get('/ws', { websocket: true, preValidation: authenticate(config) }, (socket, request) => {
    const { sub: customerId, exp } = claims(request);
    const connection: Connection = { socket, alive: true };
    connections.add(connection);
    const allow = rateLimiter(config.PUSH_RATE_PER_SEC);
    let stream: Stream | undefined;
    let subscribed = false;

    const send = (message: ServerMessage) => socket.send(JSON.stringify(message));
    const refuse = (code: number, error: Extract<ServerMessage, { type: 'error' }>) => {
      send(error);
      if (error.fatal) socket.close(code, error.code);
    };
    const expiry = setTimeout(
      () => socket.close(closeCodes.tokenExpired, 'token expired'),
      Math.min(exp * 1000 - Date.now(), 2 ** 31 - 1),
    );

    socket.on('pong', () => (connection.alive = true));
    socket.on('close', (code) => {
      connections.delete(connection);
      clearTimeout(expiry);
      stream?.close();
      request.log.debug({ customerId, code }, 'push connection closed');
    });
    socket.on('message', (data: Buffer, isBinary) => {
      if (!allow()) {
        return refuse(closeCodes.policy, {
          type: 'error',
          code: 'RATE_LIMITED',
          message: `more than ${config.PUSH_RATE_PER_SEC} messages a second`,
          fatal: true,
        });
      }
      const parsed = parseClientFrame(data, isBinary);
      if (!parsed.ok) {
        const { code, message, fatal } = parsed;
        return refuse(closeCodes.protocolError, { type: 'error', code, message, fatal });
      }
      if (subscribed) {
        return refuse(closeCodes.protocolError, {
          type: 'error',
          code: 'ALREADY_SUBSCRIBED',
          message: 'a connection subscribes once; open another for a different selection',
          fatal: false,
        });
      }
      subscribed = true;
      const { after, orders } = parsed.message;
      fanout
        .open(
          customerId,
          { after, orders },
          {
            started: (from) => send({ type: 'subscribed', after: from, orders: orders ?? null }),
            push: (entry: LogEntry) => {
              pushTraced('WebSocket', { 'commlab.order_id': entry.orderId, 'commlab.push.id': entry.id }, () =>
                send({ type: 'event', event: toPushEvent(entry) }),
              );
              reportPush(edges, 'WebSocket', entry);
              return socket.bufferedAmount > config.PUSH_MAX_BUFFERED_BYTES;
            },
            drained: () => drained(socket, config.PUSH_MAX_BUFFERED_BYTES / 2),
            overflow: (lastId) => {
              request.log.warn({ customerId, lastId, buffered: socket.bufferedAmount }, 'slow consumer: closing 4409');
              socket.close(closeCodes.slowConsumer, `slow consumer: resume after ${lastId}`);
            },
          },
        )
        .then(
          (opened) => {
            if (socket.readyState === socket.OPEN) stream = opened;
            else opened.close();
          },
          (err: unknown) => {
            request.log.error({ err, customerId }, 'could not read the event log');
            socket.close(closeCodes.internal, 'event log unavailable: resume later');
          },
        );
    });
  });
}

/** Resolves when the socket's unsent bytes fall below `threshold` (or it closed). */
function drained(socket: WebSocket, threshold: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (socket.bufferedAmount <= threshold || socket.readyState !== socket.OPEN) resolve();
      else setTimeout(check, 10);
    };
    check();
  });
}
