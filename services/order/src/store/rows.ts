import { OrderError } from '../domain/errors.ts';
import type { Order } from '../domain/order.ts';
import type { IdempotencyRecord, StatusChange, StatusChangeResult } from '../domain/ports.ts';

/**
 * What both store adapters share: the tables, how an order is a row, how a cursor names a row,
 * and what a status change does to a stored order. Their queries live in sqlite.ts and postgres.ts.
 */

/** Column types where the two databases differ; everything else about the tables is the same. */
export interface ColumnTypes {
  serial: string;
  time: string;
  json: string;
}

export const sqliteTypes: ColumnTypes = { serial: 'INTEGER PRIMARY KEY AUTOINCREMENT', time: 'TEXT', json: 'TEXT' };
export const postgresTypes: ColumnTypes = { serial: 'BIGSERIAL PRIMARY KEY', time: 'TIMESTAMPTZ', json: 'JSONB' };

/**
 * The order service's tables (processed_events, the events it acted on, comes from
 * @commlab/events): `orders`; `idempotency_keys`, each with the answer it was first used for;
 * and `order_events`, the outbox: each event stored in the transaction that made the change it
 * announces, unpublished (published_at NULL) until the broker confirmed it. The filtered
 * listings walk their indexes in seq order, so a page never scans other statuses or customers.
 */
export function orderTables({ serial, time, json }: ColumnTypes): string {
  return `
    CREATE TABLE IF NOT EXISTS orders (
      seq ${serial},
      id TEXT NOT NULL UNIQUE,
      customer_id TEXT NOT NULL,
      status TEXT NOT NULL,
      lines TEXT NOT NULL,
      created_at ${time} NOT NULL,
      version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status, seq);
    CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, seq);
    CREATE TABLE IF NOT EXISTS idempotency_keys (
      key TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      order_id TEXT NOT NULL REFERENCES orders (id),
      response ${json} NOT NULL,
      created_at ${time} NOT NULL
    );
    CREATE TABLE IF NOT EXISTS order_events (
      seq ${serial},
      id TEXT NOT NULL UNIQUE,
      event ${json} NOT NULL,
      published_at ${time}
    );
    CREATE INDEX IF NOT EXISTS order_events_unpublished ON order_events (seq) WHERE published_at IS NULL;`;
}

/** The consumer name the order service's processed events are recorded under (@commlab/events). */
export const processedBy = 'order';

/** Cursors are opaque to clients: base64url of the last row's insertion sequence. */
function encodeCursor(seq: number | string): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new OrderError('INVALID_CURSOR', 'cursor is not one this API handed out', { subject: 'cursor' });
  return Number(match[1]);
}

export interface OrderRow {
  seq: number | string;
  id: string;
  customer_id: string;
  status: string;
  lines: string;
  created_at: string;
  version: number | string;
}

export function toRow(order: Order) {
  return [
    order.id,
    order.customerId,
    order.status,
    JSON.stringify(order.lines),
    order.createdAt,
    order.version,
  ] as const;
}

export function fromRow(row: OrderRow): Order {
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status as Order['status'],
    lines: JSON.parse(row.lines) as Order['lines'],
    createdAt: new Date(row.created_at).toISOString(),
    version: Number(row.version),
  };
}

/** One page: rows were fetched with limit + 1 to learn whether another page follows. */
export function toPage(rows: OrderRow[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(fromRow), ...(rows.length > limit && last && { next: encodeCursor(last.seq) }) };
}

export interface IdempotencyRow {
  key: string;
  fingerprint: string;
  response: string;
}

export function idempotencyFromRow(row: IdempotencyRow): IdempotencyRecord {
  return { key: row.key, fingerprint: row.fingerprint, order: JSON.parse(row.response) as Order };
}

/**
 * What a status change does to the order as stored (a row read in the change's transaction):
 * `changed` carries the order as the adapter must now write it, with its event.
 */
export function decideChange(row: OrderRow | undefined, { from, to, ifVersion }: StatusChange): StatusChangeResult {
  if (!row) return { outcome: 'missing' };
  const order = fromRow(row);
  if (ifVersion !== undefined && !ifVersion.includes(order.version)) return { outcome: 'stale', order };
  if (!from.includes(order.status)) return { outcome: 'unchanged', order };
  return { outcome: 'changed', order: { ...order, status: to, version: order.version + 1 } };
}
