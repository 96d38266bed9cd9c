import type { Database } from '@commlab/sql';
import type { Order } from '../domain/order.ts';
import type { Saga, SagaEntry, SagaStep, StepResult } from './saga.ts';

/** The orchestrator's persisted state: one row per saga, its next step and its history. */
export interface SagaStore {
  /** Begins the order's saga unless it has one; resolves to whether this call began it. */
  begin(order: Order, amount: number, at: string): Promise<boolean>;
  get(id: string): Promise<Saga | undefined>;
  /** Records a step's result, only if the saga is still at `from` (a second runner's result is dropped). */
  advance(saga: Saga, from: SagaStep, result: StepResult, at: string): Promise<boolean>;
  /** Sagas not over yet, oldest first. */
  unfinished(): Promise<Saga[]>;
  list(limit: number): Promise<Saga[]>;
  has(id: string): Promise<boolean>;
}

interface Row {
  id: string;
  order_id: string;
  step: Saga['step'];
  status: Saga['status'];
  lines: string;
  amount: number;
  reason: string | null;
  history: string;
  updated_at: string;
}

const saga = (row: Row): Saga => ({
  id: row.id,
  orderId: row.order_id,
  step: row.step,
  status: row.status,
  lines: JSON.parse(row.lines) as Saga['lines'],
  amount: row.amount,
  ...(row.reason !== null && { reason: JSON.parse(row.reason) as Saga['reason'] }),
  history: JSON.parse(row.history) as SagaEntry[],
  updatedAt: row.updated_at,
});

export async function sqlSagaStore(db: Database): Promise<SagaStore> {
  await db.setUp(`CREATE TABLE IF NOT EXISTS sagas (
    seq ${db.dialect.serialKey},
    id TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    step TEXT NOT NULL,
    status TEXT NOT NULL,
    lines TEXT NOT NULL,
    amount INTEGER NOT NULL,
    reason TEXT,
    history TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`);
  const get = async (id: string) => {
    const [row] = await db.query<Row>('SELECT * FROM sagas WHERE id = ?', [id]);
    return row && saga(row);
  };
  return {
    begin: async (order, amount, at) =>
      (await db.execute(
        `INSERT INTO sagas (id, order_id, step, status, lines, amount, history, updated_at)
         VALUES (?, ?, 'reserve', 'running', ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [order.id, order.id, JSON.stringify(order.lines), amount, JSON.stringify([]), at],
      )) > 0,
    get,
    advance: async (current, from, result, at) => {
      const history = [...current.history, { step: from, outcome: result.outcome, at }];
      const reason = result.reason ?? current.reason;
      return (
        (await db.execute(
          'UPDATE sagas SET step = ?, status = ?, reason = ?, history = ?, updated_at = ? WHERE id = ? AND step = ?',
          [
            result.next,
            result.status,
            reason ? JSON.stringify(reason) : null,
            JSON.stringify(history),
            at,
            current.id,
            from,
          ],
        )) > 0
      );
    },
    unfinished: async () => (await db.query<Row>("SELECT * FROM sagas WHERE step <> 'done' ORDER BY seq")).map(saga),
    list: async (limit) => (await db.query<Row>('SELECT * FROM sagas ORDER BY seq LIMIT ?', [limit])).map(saga),
    has: async (id) => (await db.query('SELECT 1 FROM sagas WHERE id = ?', [id])).length > 0,
  };
}
