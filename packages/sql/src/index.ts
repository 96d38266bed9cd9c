import { join } from 'node:path';
import Type, { type TOptional, type TString } from 'typebox';
import type { Database } from './database.ts';
import { postgresDatabase } from './postgres.ts';
import { sqliteDatabase } from './sqlite.ts';

export { dialects, type Database, type Dialect, type Sql, type SqlValue, type Transaction } from './database.ts';
export { sqliteDatabase } from './sqlite.ts';
export { pgTransaction, postgresDatabase, type PgConnection, type PostgresOptions } from './postgres.ts';

/** A service's database: PostgreSQL when a URL is given (DATABASE_URL), otherwise the embedded SQLite file. */
export function openDatabase({ url, file }: { url?: string | undefined; file: string }): Promise<Database> {
  return url ? postgresDatabase(url) : Promise.resolve(sqliteDatabase(file));
}

/**
 * A service's database, named once: its settings (spread into the service's config schema) and
 * how to open it — PostgreSQL at DATABASE_URL, else the SQLite file `fileVariable` names,
 * by default DATA_DIR/`defaultFile`.
 *
 *   export const database = serviceDatabase('INVENTORY_DB_FILE', 'inventory.sqlite'); // config.ts
 *   Type.Object({ ...CommonConfig, ...database.config })
 *   const db = await database.open(config); // the composition root
 */
export function serviceDatabase<V extends string>(fileVariable: V, defaultFile: string) {
  const config = {
    DATABASE_URL: Type.Optional(
      Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset = the embedded SQLite file' }),
    ),
    [fileVariable]: Type.Optional(
      Type.String({ description: `SQLite file when DATABASE_URL is unset; default DATA_DIR/${defaultFile}` }),
    ),
  } as { DATABASE_URL: TOptional<TString> } & Record<V, TOptional<TString>>;
  type Settings = { DATABASE_URL?: string | undefined; DATA_DIR: string } & Partial<Record<V, string>>;
  return {
    config,
    open: (settings: Settings) =>
      openDatabase({
        url: settings.DATABASE_URL,
        file: (settings as Partial<Record<V, string>>)[fileVariable] ?? join(settings.DATA_DIR, defaultFile),
      }),
  };
}
