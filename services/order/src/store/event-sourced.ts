import { orderEventTypes, type OrderEventData } from '@commlab/contracts/events';
import {
  aggregateStore,
  openEventStore,
  pgNotifications,
  projectionConsistency,
  rebuildProjection,
  runProjection,
  WrongExpectedVersionError,
  type Loaded,
  type Projection,
  type RecordedEvent,
  type Subscription,
} from '@commlab/event-store';
import {
  customerHistories,
  customerHistoryProjection,
  newOrderEvent,
  orderAggregate,
  orderStreamId,
  orderSummaries,
  orderSummaryProjection,
  type OrderEventKind,
  type OrderState,
} from '@commlab/event-store/orders';
import { processedEvents, type CloudEvent } from '@commlab/events';
import { postgresDatabase, type Database, type Sql } from '@commlab/sql';
import { OrderError } from '../domain/errors.ts';
import type { Order, OrderStatus } from '../domain/order.ts';
import type {
  IdempotencyRecord,
  OrderReadModels,
  OrderStoreWithEvents,
  StatusChange,
  StatusChangeResult,
} from '../domain/ports.ts';
import { processedBy } from './rows.ts';

export interface EventSourcedStoreOptions {
  url: string;
  /** The PostgreSQL schema the store's tables live in (created if missing). */
  schema?: string | undefined;
  snapshotEvery: number;
}

export type EventSourcedOrderStore = OrderStoreWithEvents & {
  readModels: OrderReadModels;
  /** Starts the two projections' catch-up subscriptions. */
  startProjections(): Promise<void>;
};

/** The relay's place in the log: everything up to it was published and confirmed by the broker. */
const relayCheckpoint = 'order.relay';

/**
 * Orders as event streams (ORDER_STORE=event-store): an order is the fold of its stream
 * `order-<id>` in @commlab/event-store, and every change is an append at the version the
 * change was decided on. The outbox is the log itself: the relay publishes from its own
 * checkpoint, and since positions are dense and in commit order, `position > checkpoint`
 * never skips an event that committed late. Lists and the read models come from projections
 * that follow the log, and may lag it; each says by how much.
 */
export async function eventSourcedOrderStore(options: EventSourcedStoreOptions): Promise<EventSourcedOrderStore> {
  const url = options.schema ? await inSchema(options.url, options.schema) : options.url;
  const db = await postgresDatabase(url);
  const store = await openEventStore(db);
  const orders = aggregateStore(db, store, orderAggregate, { snapshotEvery: options.snapshotEvery });
  const processed = await processedEvents(db);
  await db.setUp(`
    CREATE TABLE IF NOT EXISTS idempotency_keys (
      key TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      order_id TEXT NOT NULL,
      response JSONB NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    INSERT INTO subscription_checkpoints (name) VALUES ('${relayCheckpoint}') ON CONFLICT DO NOTHING;`);

  const projections = { 'order-summary': orderSummaryProjection(), 'customer-history': customerHistoryProjection() };
  const running: Subscription[] = [];
  const summaries = orderSummaries(db);
  const histories = customerHistories(db);
  /** Positions of the events the relay was last handed, to move its checkpoint past them. */
  let handedOut = new Map<string, number>();

  /**
   * The change, in the caller's transaction, decided on `loaded` (read before the transaction
   * began, so a transaction never waits for a second connection of the pool): the append's
   * expected version is what catches a change stored in between.
   */
  const change = async (tx: Sql, request: StatusChange, loaded: Loaded<OrderState>): Promise<StatusChangeResult> => {
    const stream = orderStreamId(request.orderId);
    if (!loaded.state.exists) return { outcome: 'missing' };
    const order = toOrder(loaded);
    if (request.ifVersion && !request.ifVersion.includes(order.version)) return { outcome: 'stale', order };
    if (!request.from.includes(order.status)) return { outcome: 'unchanged', order };
    const changed: Order = { ...order, status: request.to, version: order.version + 1 };
    try {
      await orders.appendIn(tx, stream, loaded, [toNewEvent(request.event(changed))]);
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError)) throw err;
      throw new OrderError(
        'CONCURRENT_CHANGE',
        `order ${order.id} changed while this change was being decided (${err.message}); nothing was written, read it again`,
        { subject: order.id, cause: err },
      );
    }
    return { outcome: 'changed', order: changed };
  };

  return {
    insert: (order: Order, events: readonly CloudEvent[] = [], idempotency?: IdempotencyRecord) =>
      db.transaction(async (tx) => {
        if (idempotency) {
          await tx.execute(
            'INSERT INTO idempotency_keys (key, fingerprint, order_id, response) VALUES (?, ?, ?, ?::jsonb)',
            [idempotency.key, idempotency.fingerprint, order.id, JSON.stringify(idempotency.order)],
          );
        }
        // Expected version 0: the stream must not exist — an order id is placed once.
        await orders.appendIn(tx, orderStreamId(order.id), { state: orderAggregate.initial, version: 0 }, [
          ...events.map(toNewEvent),
        ]);
      }),
    changeStatus: async (request) => {
      const loaded = await orders.load(orderStreamId(request.orderId));
      if (!request.causedBy) return db.transaction((tx) => change(tx, request, loaded));
      let result: StatusChangeResult = { outcome: 'duplicate' };
      await processed.once(processedBy, request.causedBy, async (tx) => {
        result = await change(tx, request, loaded);
      });
      return result;
    },
    idempotencyRecord: async (key) => {
      const [row] = await db.query<{ key: string; fingerprint: string; response: Order }>(
        'SELECT key, fingerprint, response FROM idempotency_keys WHERE key = ?',
        [key],
      );
      return row && { key: row.key, fingerprint: row.fingerprint, order: row.response };
    },
    get: async (id) => {
      const loaded = await orders.load(orderStreamId(id));
      return loaded.state.exists ? toOrder(loaded) : undefined;
    },
    // From the order summary projection: a list may lag the streams by what `consistency` says.
    list: async ({ limit, after, status, customerId }) => {
      const [afterAt, afterId] = decodeCursor(after);
      const rows = await db.query<{ order_id: string; customer_id: string } & SummaryRow>(
        `SELECT order_id, customer_id, status, lines, created_at, version FROM order_summary
          WHERE (created_at, order_id) > (?, ?) AND (?::text IS NULL OR status = ?) AND (?::text IS NULL OR customer_id = ?)
          ORDER BY created_at, order_id LIMIT ?`,
        [afterAt, afterId, status ?? null, status ?? null, customerId ?? null, customerId ?? null, limit + 1],
      );
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((row) => ({
          id: row.order_id,
          customerId: row.customer_id,
          status: row.status,
          lines: row.lines,
          createdAt: row.created_at,
          version: row.version,
        })),
        ...(rows.length > limit && last && { next: encodeCursor(last.created_at, last.order_id) }),
      };
    },
    unpublished: async (limit) => {
      const [checkpoint] = await db.query<{ position: number }>(
        'SELECT position FROM subscription_checkpoints WHERE name = ?',
        [relayCheckpoint],
      );
      const events = await store.readAll({ after: checkpoint?.position ?? 0, limit });
      handedOut = new Map(events.map((event) => [event.id, event.position]));
      return events.map(toCloudEvent);
    },
    markPublished: async (eventId) => {
      const position = handedOut.get(eventId);
      if (position === undefined) return;
      // Only forwards: a slower relay instance never moves the checkpoint back.
      await db.execute(
        'UPDATE subscription_checkpoints SET position = ?, updated_at = now() WHERE name = ? AND position < ?',
        [position, relayCheckpoint, position],
      );
    },
    ping: async () => {
      await db.query('SELECT 1');
    },
    close: async () => {
      await Promise.all(running.splice(0).map((subscription) => subscription.stop()));
      await db.close();
    },
    startProjections: async () => {
      const notifications = pgNotifications(url);
      for (const projection of Object.values(projections)) {
        running.push(await runProjection(db, projection, { notifications, pollIntervalMs: 500 }));
      }
    },
    readModels: {
      stream: async (orderId) => {
        const events = await store.readStream(orderStreamId(orderId));
        if (events.length === 0) return undefined;
        return events.map((event) => ({
          version: event.version,
          position: event.position,
          id: event.id,
          type: event.type,
          status: (event.data as OrderEventData).status,
          recordedAt: event.recordedAt,
        }));
      },
      summaries: async ({ customerId, limit }) => {
        const { orders: rows, consistency } = await summaries.list({ customerId, limit });
        return {
          orders: rows.map(({ orderId, customerId, status, itemCount, version, position, updatedAt }) => ({
            orderId,
            customerId,
            status,
            itemCount,
            version,
            position,
            updatedAt,
          })),
          consistency,
        };
      },
      history: async (customerId, query) => {
        const { entries, consistency } = await histories.get(customerId, query);
        return {
          entries: entries.map(({ position, orderId, event, status, itemCount, recordedAt }) => ({
            position,
            orderId,
            event,
            status,
            itemCount,
            recordedAt,
          })),
          consistency,
        };
      },
      snapshot: async (orderId) => {
        const stream = orderStreamId(orderId);
        const streamVersion = await store.version(stream);
        if (streamVersion === 0) return undefined;
        const check = await orders.checkSnapshot(stream);
        return { snapshotVersion: check.snapshot?.version ?? null, streamVersion, equal: check.equal };
      },
      rebuild: (name) => rebuild(db, projections[name]),
    },
  };
}

interface SummaryRow {
  status: OrderStatus;
  lines: Order['lines'];
  created_at: string;
  version: number;
}

/** Drops the read model and waits until its running subscription replayed the log into it again. */
async function rebuild(db: Database, projection: Projection) {
  await rebuildProjection(db, projection);
  for (const until = Date.now() + 30_000; ;) {
    const consistency = await projectionConsistency(db, projection.name);
    if (consistency.behind === 0 || Date.now() > until) return consistency;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const kinds = new Map(Object.entries(orderEventTypes).map(([kind, type]) => [type as string, kind as OrderEventKind]));

/**
 * A CloudEvent as the stream keeps it: the event id stays the event's id, the envelope's other
 * fields go to metadata, so what the relay publishes is exactly what was decided.
 */
function toNewEvent(event: CloudEvent) {
  const kind = kinds.get(event.type);
  if (!kind) throw new Error(`${event.type} is not an order event; an order stream holds only order events`);
  const { source, subject, time, traceparent } = event;
  return newOrderEvent(kind, event.data as OrderEventData, {
    id: event.id,
    metadata: { source, subject, time, ...(traceparent && { traceparent }) },
  });
}

function toCloudEvent(event: RecordedEvent): CloudEvent {
  const metadata = event.metadata as { source: string; subject: string; time: string; traceparent?: string };
  return {
    specversion: '1.0',
    id: event.id,
    source: metadata.source,
    type: event.type,
    subject: metadata.subject,
    time: metadata.time,
    datacontenttype: 'application/json',
    data: event.data,
    ...(metadata.traceparent && { traceparent: metadata.traceparent }),
  };
}

/** The order as its stream tells it; its version is the stream's (one event per change). */
function toOrder({ state, version }: Loaded<OrderState>): Order {
  if (!state.exists) throw new Error('toOrder needs an order that exists');
  const { orderId, customerId, status, lines, createdAt } = state.order;
  return { id: orderId, customerId, status, lines, createdAt, version };
}

function encodeCursor(createdAt: string, orderId: string): string {
  return Buffer.from(`at:${createdAt}|${orderId}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): [string, string] {
  if (!cursor) return ['', ''];
  const match = /^at:([^|]{1,40})\|(.{1,200})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new OrderError('INVALID_CURSOR', 'cursor is not one this API handed out', { subject: 'cursor' });
  return [match[1]!, match[2]!];
}

/** The URL with `schema` first on its search path; the schema is created if it is missing. */
async function inSchema(url: string, schema: string): Promise<string> {
  const db = await postgresDatabase(url);
  try {
    // Two services starting at once may both create it: the second one's error is harmless.
    await db.execute(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch(async (err: unknown) => {
      const [found] = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = ?', [schema]);
      if (!found) throw err;
    });
  } finally {
    await db.close();
  }
  const withSchema = new URL(url);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  return withSchema.toString();
}
