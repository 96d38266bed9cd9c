import { join } from 'node:path';
import type { OrderStoreWithEvents } from '../domain/event-ports.ts';
import { postgresOrderStore } from './postgres-store.ts';
import { sqliteOrderStore } from './sqlite-store.ts';

/** PostgreSQL when a DATABASE_URL is given, otherwise the embedded SQLite file. */
export function openOrderStore(config: {
  DATABASE_URL?: string | undefined;
  ORDER_DB_FILE?: string | undefined;
  DATA_DIR: string;
}): Promise<OrderStoreWithEvents> {
  if (config.DATABASE_URL) return postgresOrderStore(config.DATABASE_URL);
  return Promise.resolve(sqliteOrderStore(config.ORDER_DB_FILE ?? join(config.DATA_DIR, 'orders.sqlite')));
}
