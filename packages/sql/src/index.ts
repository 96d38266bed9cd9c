import Type from 'typebox';
import type { Database } from './database.ts';
import { postgresDatabase } from './postgres.ts';
import { sqliteDatabase } from './sqlite.ts';

export { dialects, type Database, type Dialect, type Sql, type SqlValue, type Transaction } from './database.ts';
export { sqliteDatabase } from './sqlite.ts';
export { postgresDatabase } from './postgres.ts';

/** A service's database: PostgreSQL when a URL is given (DATABASE_URL), otherwise the embedded SQLite file. */
export function openDatabase({ url, file }: { url?: string | undefined; file: string }): Promise<Database> {
  return url ? postgresDatabase(url) : Promise.resolve(sqliteDatabase(file));
}

/** The setting every service with a database reads (spread into its config schema). */
export const DatabaseConfig = {
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset = the embedded SQLite file' }),
  ),
};
