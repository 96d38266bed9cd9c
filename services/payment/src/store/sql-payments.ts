import type { Database, Sql } from '@commlab/sql';
import type { Payment, PaymentStatus } from '../domain/payments.ts';

/** One row per order: its payment, decided once, and what compensation did to it. */
export interface PaymentStore {
  get(orderId: string, sql?: Sql): Promise<Payment | undefined>;
  /** Stores the payment unless its order has one already; resolves to the one kept. */
  keep(sql: Sql, payment: Payment): Promise<Payment>;
  /** Moves the order's payment from one of `from` to `to`; resolves to whether it moved. */
  move(sql: Sql, orderId: string, from: readonly PaymentStatus[], to: PaymentStatus, at: string): Promise<boolean>;
  list(limit: number): Promise<Payment[]>;
}

interface Row {
  order_id: string;
  amount: number;
  status: PaymentStatus;
  code: string | null;
  detail: string | null;
  updated_at: string;
}

const payment = (row: Row): Payment => ({
  orderId: row.order_id,
  amount: row.amount,
  status: row.status,
  ...(row.code !== null && { code: row.code }),
  ...(row.detail !== null && { detail: row.detail }),
  updatedAt: row.updated_at,
});

export async function sqlPaymentStore(db: Database): Promise<PaymentStore> {
  await db.setUp(`CREATE TABLE IF NOT EXISTS payments (
    seq ${db.dialect.serialKey},
    order_id TEXT NOT NULL UNIQUE,
    amount INTEGER NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    detail TEXT,
    updated_at TEXT NOT NULL
  )`);
  const get = async (orderId: string, sql: Sql = db) => {
    const [row] = await sql.query<Row>('SELECT * FROM payments WHERE order_id = ?', [orderId]);
    return row && payment(row);
  };
  return {
    get,
    keep: async (sql, p) => {
      await sql.execute(
        'INSERT INTO payments (order_id, amount, status, code, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [p.orderId, p.amount, p.status, p.code ?? null, p.detail ?? null, p.updatedAt],
      );
      return (await get(p.orderId, sql))!;
    },
    move: async (sql, orderId, from, to, at) =>
      (await sql.execute(
        `UPDATE payments SET status = ?, updated_at = ? WHERE order_id = ? AND status IN (${from.map(() => '?').join(', ')})`,
        [to, at, orderId, ...from],
      )) > 0,
    list: async (limit) => (await db.query<Row>('SELECT * FROM payments ORDER BY seq LIMIT ?', [limit])).map(payment),
  };
}
