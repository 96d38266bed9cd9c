import type { OrderEventData } from '@commlab/contracts/events';
import type { Sql } from '../database.ts';
import {
  consistencyOf,
  projectionConsistency,
  type Consistency,
  type PositionColumns,
  type Projection,
} from '../projections.ts';
import { isOrderEvent } from './order-events.ts';
import { tableName } from './table-name.ts';

/** One row per order: what an order list or an order page shows. */
export interface OrderSummary {
  orderId: string;
  customerId: string;
  status: OrderEventData['status'];
  lines: OrderEventData['lines'];
  itemCount: number;
  reasonCode: string | null;
  createdAt: string;
  updatedAt: string;
  /** The order stream's version this row reflects. */
  version: number;
  /** The global position of the event this row last took. */
  position: number;
}

interface Row {
  order_id: string;
  customer_id: string;
  status: OrderEventData['status'];
  lines: OrderEventData['lines'];
  item_count: number;
  reason_code: string | null;
  created_at: string;
  updated_at: Date | string;
  version: number;
  position: number;
}

/** The order summary read model; `table` also names its checkpoint (a second copy takes another name). */
export function orderSummaryProjection(table = 'order_summary'): Projection {
  const t = tableName(table);
  return {
    name: t,
    setUp: `
      CREATE TABLE IF NOT EXISTS ${t} (
        order_id    TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        status      TEXT NOT NULL,
        lines       JSONB NOT NULL,
        item_count  INTEGER NOT NULL,
        reason_code TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TIMESTAMPTZ NOT NULL,
        version     INTEGER NOT NULL,
        position    BIGINT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${t}_by_customer ON ${t} (customer_id, order_id);`,
    drop: `DROP TABLE IF EXISTS ${t}`,
    apply: async (event, tx) => {
      if (!isOrderEvent(event)) return;
      const order = event.data;
      // The version guard makes a replayed event a no-op, whatever delivered it twice.
      await tx.execute(
        `INSERT INTO ${t} (order_id, customer_id, status, lines, item_count, reason_code, created_at, updated_at, version, position)
         VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (order_id) DO UPDATE SET
           status = excluded.status, lines = excluded.lines, item_count = excluded.item_count,
           reason_code = excluded.reason_code, updated_at = excluded.updated_at,
           version = excluded.version, position = excluded.position
         WHERE ${t}.version < excluded.version`,
        [
          order.orderId,
          order.customerId,
          order.status,
          JSON.stringify(order.lines),
          order.lines.reduce((sum, line) => sum + line.quantity, 0),
          order.reason?.code ?? null,
          order.createdAt,
          event.recordedAt,
          event.version,
          event.position,
        ],
      );
    },
  };
}

/** Reads of the order summary, each with the projection's consistency from the same snapshot. */
export function orderSummaries(sql: Sql, table = 'order_summary') {
  const t = tableName(table);
  return {
    get: async (orderId: string): Promise<{ order: OrderSummary | undefined; consistency: Consistency }> => {
      const [row] = await sql.query<Partial<Row> & PositionColumns>(
        `SELECT s.*, c.position AS projected, h.position AS head
           FROM events_head h
           LEFT JOIN subscription_checkpoints c ON c.name = ?
           LEFT JOIN ${t} s ON s.order_id = ?`,
        [t, orderId],
      );
      return { order: row!.order_id ? toSummary(row as Row) : undefined, consistency: consistencyOf(row!) };
    },
    /** A customer's orders, or every order, by order id. */
    list: async ({ customerId, limit = 100 }: { customerId?: string; limit?: number } = {}) => {
      const rows = await sql.query<Row & PositionColumns>(
        `SELECT s.*, c.position AS projected, h.position AS head
           FROM ${t} s
           CROSS JOIN events_head h
           LEFT JOIN subscription_checkpoints c ON c.name = ?
          WHERE ?::text IS NULL OR s.customer_id = ?
          ORDER BY s.order_id LIMIT ?`,
        [t, customerId ?? null, customerId ?? null, limit],
      );
      return {
        orders: rows.map(toSummary),
        consistency: rows[0] ? consistencyOf(rows[0]) : await projectionConsistency(sql, t),
      };
    },
  };
}

function toSummary(row: Row): OrderSummary {
  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    status: row.status,
    lines: row.lines,
    itemCount: row.item_count,
    reasonCode: row.reason_code,
    createdAt: row.created_at,
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
    position: row.position,
  };
}
