import { join } from 'node:path';
import type { NotificationLog } from '../domain/notifications.ts';
import { postgresNotificationLog } from './postgres-log.ts';
import { sqliteNotificationLog } from './sqlite-log.ts';

/** PostgreSQL when a DATABASE_URL is given, otherwise the embedded SQLite file. */
export function openNotificationLog(config: {
  DATABASE_URL?: string | undefined;
  NOTIFICATION_DB_FILE?: string | undefined;
  DATA_DIR: string;
}): Promise<NotificationLog> {
  if (config.DATABASE_URL) return postgresNotificationLog(config.DATABASE_URL);
  return Promise.resolve(
    sqliteNotificationLog(config.NOTIFICATION_DB_FILE ?? join(config.DATA_DIR, 'notifications.sqlite')),
  );
}
