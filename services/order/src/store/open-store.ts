import type { OrderStore } from '../domain/ports.ts';
import { postgresOrderStore } from './postgres-store.ts';
import { sqliteOrderStore } from './sqlite-store.ts';

/** PostgreSQL when a DATABASE_URL is given, otherwise the embedded SQLite file. */
export function openOrderStore(config: { DATABASE_URL?: string | undefined; ORDER_DB_FILE: string }): Promise<OrderStore> {
  return config.DATABASE_URL ? postgresOrderStore(config.DATABASE_URL) : Promise.resolve(sqliteOrderStore(config.ORDER_DB_FILE));
}
