import Type from 'typebox';
import { BusConfig } from '@commlab/events';
import { CommonConfig } from '@commlab/kit';

export const NotificationConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3001, minimum: 0, maximum: 65535, description: 'HTTP and WebSocket port' }),
  // Events (lab 02): order events arrive over the bus and are kept in the notification log.
  ...BusConfig,
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset = embedded SQLite file' }),
  ),
  NOTIFICATION_DB_FILE: Type.Optional(
    Type.String({ description: 'SQLite file when DATABASE_URL is unset; default DATA_DIR/notifications.sqlite' }),
  ),
});
