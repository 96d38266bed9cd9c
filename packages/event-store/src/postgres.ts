import pg from 'pg';
import type { Database, Notifications, Sql, SqlValue } from './database.ts';

/** BIGINT (positions, COUNT) as a number, as `@commlab/sql` answers: positions stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Any number, so several processes setting up the store's tables at once take turns. */
const setUpLock = 7_386_625;

export interface PgDatabaseOptions {
  /** Connections in the pool (default 5): one per concurrent append or subscription step. */
  max?: number;
}

/**
 * The `Database` seam on a `pg` pool; `@commlab/sql`'s `postgresDatabase` is the same and may
 * replace it. The URL may choose a schema (`?options=-c%20search_path%3Dlab08`).
 */
export async function pgDatabase(url: string, { max = 5 }: PgDatabaseOptions = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, types });
  // A pooled connection that breaks while idle is dropped by the pool and the next query opens
  // another; unhandled, the error would end the process.
  pool.on('error', () => {});
  const on = (client: pg.Pool | pg.PoolClient): Sql => ({
    query: async <Row extends object>(text: string, values: readonly SqlValue[] = []) =>
      (await client.query(numbered(text), [...values])).rows as Row[],
    execute: async (text, values = []) => (await client.query(numbered(text), [...values])).rowCount ?? 0,
  });
  await pool.query('SELECT 1'); // fail at start-up, naming the database, rather than at the first append

  return {
    ...on(pool),
    setUp: async (ddl) => {
      // One simple query is one transaction: the lock is held until the DDL committed.
      await pool.query(`SELECT pg_advisory_xact_lock(${setUpLock}); ${ddl}`);
    },
    transaction: async (work) => {
      const client = await pool.connect();
      let broken = false;
      // A checked-out connection that dies (server restart, pg_terminate_backend) emits 'error'
      // on the client, which the pool only listens to while the client is idle: unheard, it
      // would end the process. The statement in flight fails anyway; the client is discarded.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        client.off('error', onError);
        // A connection that broke or could not even roll back is discarded, not reused.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
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

export interface PgNotificationsOptions {
  /** Wait before listening again after the connection broke (default 1000 ms). */
  reconnectDelayMs?: number;
  /** Told about a broken listening connection; readers keep polling meanwhile. */
  onError?: (err: Error) => void;
}

/**
 * LISTEN on a connection of its own (a pooled one would drop the registration when returned).
 * A broken connection is reopened; after every (re)connect the listener is woken once, since
 * notifications sent while it was away are gone.
 */
export function pgNotifications(url: string, options: PgNotificationsOptions = {}): Notifications {
  const { reconnectDelayMs = 1_000, onError } = options;
  return {
    listen: async (channel, onNotify) => {
      let stopped = false;
      let current: pg.Client | undefined;
      let retry: NodeJS.Timeout | undefined;

      const open = async (): Promise<void> => {
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
        current = client;
        let lost = false;
        const onLost = (err?: Error) => {
          if (lost || stopped) return;
          lost = true;
          if (err) onError?.(err);
          client.end().catch(() => {});
          retry = setTimeout(() => open().catch(() => {}), reconnectDelayMs);
        };
        client.on('error', onLost);
        client.on('end', () => onLost());
        client.on('notification', (message) => {
          if (message.channel === channel) onNotify();
        });
        try {
          await client.connect();
          await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (err) {
          onLost(err as Error);
          throw err;
        }
        onNotify();
      };

      try {
        await open();
      } catch (err) {
        // The first attempt decides: a listener that never worked is a configuration error.
        stopped = true;
        clearTimeout(retry);
        throw err;
      }
      return async () => {
        stopped = true;
        clearTimeout(retry);
        await current?.end().catch(() => {});
      };
    },
  };
}
