import type { OrderEventData } from '@commlab/contracts/events';
import type { Sql } from '../database.ts';
import {
  consistencyOf,
  projectionConsistency,
  type Consistency,
  type PositionColumns,
  type Projection,
} from '../projections.ts';
import { isOrderEvent, orderEventKind, type OrderEventKind } from './order-events.ts';
import { tableName } from './table-name.ts';

/** One line of a customer's history: something that happened to one of their orders. */
export interface CustomerHistoryEntry {
  customerId: string;
  /** The event's global position: the history's order, and its key with the customer. */
  position: number;
  orderId: string;
  event: OrderEventKind;
  status: OrderEventData['status'];
  itemCount: number;
  recordedAt: string;
}

interface Row {
  customer_id: string;
  position: number;
  order_id: string;
  event: OrderEventKind;
  status: OrderEventData['status'];
  item_count: number;
  recorded_at: Date | string;
}

/** The per-customer history read model; `table` also names its checkpoint. */
export function customerHistoryProjection(table = 'customer_history'): Projection {
  const t = tableName(table);
  return {
    name: t,
    setUp: `
      CREATE TABLE IF NOT EXISTS ${t} (
        customer_id TEXT NOT NULL,
        position    BIGINT NOT NULL,
        order_id    TEXT NOT NULL,
        event       TEXT NOT NULL,
        status      TEXT NOT NULL,
        item_count  INTEGER NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (customer_id, position)
      );`,
    drop: `DROP TABLE IF EXISTS ${t}`,
    apply: async (event, tx) => {
      if (!isOrderEvent(event)) return;
      // Keyed by the event's position: a replayed event finds its line there and adds nothing.
      await tx.execute(
        `INSERT INTO ${t} (customer_id, position, order_id, event, status, item_count, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [
          event.data.customerId,
          event.position,
          event.data.orderId,
          orderEventKind(event),
          event.data.status,
          event.data.lines.reduce((sum, line) => sum + line.quantity, 0),
          event.recordedAt,
        ],
      );
    },
  };
}

/** A customer's history, oldest first, with the projection's consistency from the same snapshot. */
export function customerHistories(sql: Sql, table = 'customer_history') {
  const t = tableName(table);
  return {
    get: async (
      customerId: string,
      { after = 0, limit = 100 }: { after?: number; limit?: number } = {},
    ): Promise<{ entries: CustomerHistoryEntry[]; consistency: Consistency }> => {
      const rows = await sql.query<Row & PositionColumns>(
        `SELECT e.*, c.position AS projected, h.position AS head
           FROM ${t} e
           CROSS JOIN events_head h
           LEFT JOIN subscription_checkpoints c ON c.name = ?
          WHERE e.customer_id = ? AND e.position > ?
          ORDER BY e.position LIMIT ?`,
        [t, customerId, after, limit],
      );
      return {
        entries: rows.map((row) => ({
          customerId: row.customer_id,
          position: row.position,
          orderId: row.order_id,
          event: row.event,
          status: row.status,
          itemCount: row.item_count,
          recordedAt: new Date(row.recorded_at).toISOString(),
        })),
        consistency: rows[0] ? consistencyOf(rows[0]) : await projectionConsistency(sql, t),
      };
    },
  };
}
