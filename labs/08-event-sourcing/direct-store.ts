import { randomUUID } from 'node:crypto';
import { openEventStore } from '@commlab/event-store';
import { newOrderEvent, orderStreamId } from '@commlab/event-store/orders';
import { postgresDatabase } from '@commlab/sql';
import { storeDatabaseUrl } from './lab-client.ts';

/**
 * The lab's event store opened by the test itself, in the order service's schema: for the
 * scenarios that need thousands of stored events fast, or a transaction that appends and then
 * rolls back, which no request to the service can make. What is appended here is what the
 * service appends for a placed order (its contract's type and data), so its relay publishes it
 * like any other event of the log.
 */
export async function directStore(schema: string) {
  // The database as this machine reaches it (in containers the service may name it otherwise).
  const url = new URL(storeDatabaseUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = await postgresDatabase(url.toString());
  const store = await openEventStore(db);

  const placed = (customerId: string) => {
    const orderId = randomUUID();
    const id = randomUUID();
    const data = {
      orderId,
      customerId,
      status: 'pending' as const,
      lines: [{ sku: 'KB-001', quantity: 1 }],
      createdAt: new Date().toISOString(),
    };
    const event = newOrderEvent('placed', data, {
      id,
      metadata: { source: '/commlab/order', subject: orderId, time: data.createdAt },
    });
    return { id, stream: orderStreamId(orderId), event };
  };

  return {
    /** Stores `count` placed orders of `customerId`, `perTransaction` at a time; resolves to their event ids. */
    placeOrders: async (customerId: string, count: number, perTransaction = 250): Promise<string[]> => {
      const ids: string[] = [];
      while (ids.length < count) {
        const batch = Array.from({ length: Math.min(perTransaction, count - ids.length) }, () => placed(customerId));
        await db.transaction(async (tx) => {
          for (const { stream, event } of batch) await store.appendIn(tx, stream, 0, [event]);
        });
        ids.push(...batch.map(({ id }) => id));
      }
      return ids;
    },
    /** Appends a placed order in a transaction that then rolls back; resolves to the id that must never leave. */
    rolledBack: async (customerId: string): Promise<string> => {
      const { id, stream, event } = placed(customerId);
      const rollback = new Error('rolled back on purpose');
      await db
        .transaction(async (tx) => {
          await store.appendIn(tx, stream, 0, [event]);
          throw rollback;
        })
        .catch((err: unknown) => {
          if (err !== rollback) throw err;
        });
      return id;
    },
    close: () => db.close(),
  };
}
