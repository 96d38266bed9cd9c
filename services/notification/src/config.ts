import Type, { type Static } from 'typebox';
import { BusConfig } from '@commlab/events';
import { CommonConfig } from '@commlab/kit';
import { tlsConfig, tokenCheckConfig } from '@commlab/security';
import { eventIdentityConfig } from '@commlab/security/events';
import { serviceDatabase } from '@commlab/sql';

export const notificationDatabase = serviceDatabase('NOTIFICATION_DB_FILE', 'notifications.sqlite');

export const NotificationConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3001, minimum: 0, maximum: 65535, description: 'HTTP and WebSocket port' }),
  // Events (lab 02): order events arrive over the bus and are kept in the event log.
  ...BusConfig,
  // The event log and its record of processed events: PostgreSQL, or an SQLite file.
  ...notificationDatabase.config,
  PUSH_TOKEN_SECRET: Type.String({
    default: 'commlab-lab-secret',
    minLength: 16,
    description: 'HMAC secret that signs and checks bearer tokens (a lab default; set your own anywhere else)',
  }),
  PUSH_ALLOWED_ORIGINS: Type.String({
    default: 'http://127.0.0.1:3080,http://localhost:3080',
    description: 'comma-separated browser origins allowed to connect, or *',
  }),
  PUSH_HEARTBEAT_MS: Type.Integer({
    default: 15_000,
    minimum: 50,
    description: 'ping interval; no pong by the next ping = dead',
  }),
  PUSH_MAX_BUFFERED_BYTES: Type.Integer({
    default: 1_048_576,
    minimum: 1024,
    description: 'unsent bytes a client may fall behind before it is closed with 4409',
  }),
  PUSH_MAX_MESSAGE_BYTES: Type.Integer({
    default: 4096,
    minimum: 128,
    description: 'largest client frame (1009 above)',
  }),
  PUSH_RATE_PER_SEC: Type.Integer({ default: 10, minimum: 1, description: 'client frames per second (1008 above)' }),
  LONGPOLL_WAIT_MS: Type.Integer({ default: 25_000, minimum: 0, description: 'how long /poll holds a request' }),
  PUSH_INJECT: Type.Boolean({ default: false, description: 'lab only: POST /inject appends events without a broker' }),
  NOTIFY_DELAY_MS: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 60_000,
    description: 'wait before handling each order event, to watch a slow consumer fall behind (lab 14)',
  }),
  // Lab 09: OAuth 2.0 access tokens from the lab's authorization server instead of the HMAC token.
  ...tokenCheckConfig('urn:commlab:notification'),
  // Lab 09: the JWKS fetched over mTLS with the service's certificate.
  ...tlsConfig,
  // Lab 09: only events signed by a producer allowed their type (EVENT_PRODUCERS).
  ...eventIdentityConfig,
});
export type NotificationSettings = Static<typeof NotificationConfig>;
