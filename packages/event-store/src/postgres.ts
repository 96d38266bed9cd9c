import pg from 'pg';
import type { Notifications } from './database.ts';

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
