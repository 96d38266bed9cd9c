import type { OrderNotification, ReadQuery, RecordedNotification } from '../domain/notifications.ts';

export interface NotificationRow {
  seq: number | string;
  event_id: string;
  customer_id: string;
  order_id: string;
  type: string;
  status: string;
  time: string | Date;
  data: string | object;
}

export const columns = 'event_id, customer_id, order_id, type, status, time, data';

export function toRow(n: OrderNotification) {
  return [n.eventId, n.customerId, n.orderId, n.type, n.status, n.time, JSON.stringify(n.data)] as const;
}

export function fromRow(row: NotificationRow): RecordedNotification {
  return {
    seq: Number(row.seq),
    eventId: row.event_id,
    customerId: row.customer_id,
    orderId: row.order_id,
    type: row.type,
    status: row.status as RecordedNotification['status'],
    time: new Date(row.time).toISOString(),
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as RecordedNotification['data'],
  };
}

/** The WHERE clause of a read; `param(i)` renders the i-th placeholder in the database's dialect. */
export function readFilter(query: ReadQuery, param: (index: number) => string) {
  const values: (string | number)[] = [query.after];
  const where = [`seq > ${param(1)}`];
  if (query.customerId) where.push(`customer_id = ${param(values.push(query.customerId))}`);
  if (query.orderId) where.push(`order_id = ${param(values.push(query.orderId))}`);
  values.push(query.limit);
  return { sql: `WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${param(values.length)}`, values };
}
