import pg from 'pg';
import { committing, dialects, type Database, type Sql, type SqlValue } from './database.ts';

/** BIGINT (BIGSERIAL ids, COUNT) as a number, as SQLite answers: ids stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Any number, so two services setting up tables in one database at once take turns. */
const setUpLock = 7_386_624;

/**
 * A database in PostgreSQL. Statements are written with `?`; they are numbered ($1, $2…)
 * here. The URL may choose a schema, e.g. `?options=-c%20search_path%3Dlab01`: tables are
 * then created and read there.
 */
export interface PostgresOptions {
  /** Connections in the pool (default 5): one per concurrent transaction. */
  max?: number;
}

export async function postgresDatabase(url: string, { max = 5 }: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, types });
  // A pooled connection that breaks while idle is dropped by the pool; the next query opens
  // another, and readiness reports the outage meanwhile. Unhandled, it would end the process.
  pool.on('error', () => {});
  const on = (client: pg.Pool | pg.PoolClient): Sql => ({
    query: async <Row extends object>(text: string, values: readonly SqlValue[] = []) =>
      (await client.query(numbered(text), [...values])).rows as Row[],
    execute: async (text, values = []) => (await client.query(numbered(text), [...values])).rowCount ?? 0,
  });
  await pool.query('SELECT 1'); // fail at start-up, naming the database, rather than at the first request

  return {
    dialect: dialects.postgres,
    ...on(pool),
    setUp: async (ddl) => {
      // One simple query is one transaction: the lock is held until the DDL committed.
      await pool.query(`SELECT pg_advisory_xact_lock(${setUpLock}); ${ddl}`);
    },
    transaction: async (work) => {
      let tx: ReturnType<typeof committing> | undefined;
      const result = await pgTransaction({ connect: () => pool.connect() }, (client) =>
        work((tx = committing(on(client)))),
      );
      tx!.committed();
      return result;
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}

/** The little of a pooled pg connection a transaction needs (pg.PoolClient fits). */
export interface PgConnection {
  query(text: string, values?: unknown[]): Promise<unknown>;
  release(broken?: boolean): void;
  /** Where a checked-out connection reports that it died (pg.PoolClient is an EventEmitter). */
  on?(event: 'error', listener: () => void): unknown;
  off?(event: 'error', listener: () => void): unknown;
}

/**
 * Runs `work` in one transaction on a connection of `pool` (a pg.Pool): BEGIN, COMMIT, or
 * ROLLBACK when it throws. A connection that broke or could not even roll back is discarded,
 * not reused.
 */
export async function pgTransaction<C extends PgConnection, T>(
  pool: { connect(): Promise<C> },
  work: (client: C) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out connection that dies (server restart, pg_terminate_backend) emits 'error',
  // which the pool only listens to while the connection is idle: unheard, it would end the
  // process. The statement in flight fails anyway.
  const onError = () => {
    broken = true;
  };
  client.on?.('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.off?.('error', onError);
    client.release(broken);
  }
}

const numberedCache = new Map<string, string>();
function numbered(text: string): string {
  let converted = numberedCache.get(text);
  if (converted === undefined) {
    let n = 0;
    converted = text.replace(/\?/g, () => `$${++n}`);
    numberedCache.set(text, converted);
  }
  return converted;
}
