import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { LabUnderTest } from '@commlab/lab/testing';

/** What the lab's tests do to its event-sourced order service, over its HTTP API. */
export interface Order {
  id: string;
  customer: { id: string };
  status: 'pending' | 'confirmed' | 'rejected' | 'cancelled';
  lines: { sku: string; quantity: number }[];
  version: number;
}

export interface Consistency {
  position: number;
  head: number;
  behind: number;
}

export interface StreamEvent {
  version: number;
  position: number;
  id: string;
  type: string;
  status: string;
}

/** One effect of the notification service's order-events consumer: an entry of its event log. */
export interface Notification {
  seq: number;
  eventId: string;
}

export function labClient(lab: LabUnderTest) {
  const order = () => lab.url('order');
  const json = async <T>(path: string, init?: RequestInit) => {
    // A request the service never answers fails instead of holding a test until its timeout.
    const response = await fetch(`${order()}${path}`, { signal: AbortSignal.timeout(30_000), ...init });
    return { status: response.status, body: (await response.json()) as T };
  };
  /** The service's PostgreSQL schema: each run its own (services/order: es_ + EVENT_NAMESPACE). */
  const schema = () =>
    `es_${(lab.env('order').EVENT_NAMESPACE ?? '').toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
  return {
    schema,
    place: (customerId: string, lines: Order['lines']) =>
      json<Order>('/v2/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer: { id: customerId }, lines }),
      }),
    get: (id: string) => json<Order>(`/v2/orders/${id}`),
    cancel: (id: string, version: number) =>
      json<{ status?: string; type?: string }>(`/v2/orders/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json', 'if-match': `"v${version}"` },
        body: JSON.stringify({ status: 'cancelled' }),
      }),
    stream: (id: string) => json<{ events: StreamEvent[] }>(`/v2/orders/${id}/events`),
    snapshot: (id: string) =>
      json<{ snapshotVersion: number | null; streamVersion: number; equal: boolean }>(`/v2/orders/${id}/snapshot`),
    summaries: (customerId?: string) =>
      json<{ orders: Record<string, unknown>[]; consistency: Consistency }>(
        `/v2/order-summaries?limit=100${customerId ? `&customerId=${customerId}` : ''}`,
      ),
    history: (customerId: string) =>
      json<{ entries: Record<string, unknown>[]; consistency: Consistency }>(`/v2/customers/${customerId}/history`),
    rebuild: (name: 'order-summary' | 'customer-history') =>
      json<{ consistency: Consistency }>(`/v2/read-models/${name}/rebuild`, { method: 'POST' }),

    /** What notification applied for a customer after `after` (its log's seq), up to 500 entries. */
    notifications: async (customerId: string, after: number) => {
      const response = await fetch(
        `${lab.url('notification')}/notifications?customerId=${customerId}&after=${after}&limit=500`,
      );
      if (!response.ok) throw new Error(`GET /notifications answered ${response.status}`);
      return (await response.json()) as { items: Notification[]; last: number };
    },

    /** Every order of a customer, page by page (the list reads the order summary read model). */
    allOrderIds: async (customerId: string) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const { body } = await json<{ items: Order[]; next?: string }>(
          `/v2/orders?limit=100&customerId=${customerId}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        ids.push(...body.items.map((order) => order.id));
        cursor = body.next;
      } while (cursor);
      return ids;
    },

    /** Polls until the order leaves `pending`. */
    settled: async (id: string, timeoutMs = 20_000) => {
      for (const until = Date.now() + timeoutMs; ;) {
        const { body } = await json<Order>(`/v2/orders/${id}`);
        if (body.status !== 'pending') return body;
        if (Date.now() > until) throw new Error(`order ${id} still pending after ${timeoutMs} ms`);
        await sleep(20);
      }
    },

    /** Polls until the read models caught up with the log. */
    caughtUp: async (timeoutMs = 10_000) => {
      for (const until = Date.now() + timeoutMs; ;) {
        const { body } = await json<{ consistency: Consistency }>('/v2/order-summaries?limit=1');
        if (body.consistency.behind === 0) return body.consistency;
        if (Date.now() > until) throw new Error(`read model still ${body.consistency.behind} behind`);
        await sleep(20);
      }
    },

    /** The service's PostgreSQL schema (each run its own), dropped after the file's tests. */
    close: async () => {
      // The database as this machine reaches it (in containers the service may name it otherwise).
      const url = storeDatabaseUrl();
      if (!lab.env('order').EVENT_NAMESPACE) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema()} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * The order event store's database as this machine reaches it: the lab's PostgreSQL with logical
 * decoding (infra/postgres-logical), also when the services run in containers.
 */
export function storeDatabaseUrl(): string {
  return process.env.LOGICAL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5433/postgres';
}
