import type { CloudEvent } from '@commlab/events';
import type { Database } from '@commlab/sql';
import type { StockAnswers } from '../events/stock-requests.ts';

/** The answers to stock requests, by order id, in the service's database: the first one is kept. */
export async function sqlStockAnswers(db: Database): Promise<StockAnswers> {
  await db.setUp('CREATE TABLE IF NOT EXISTS inventory_answers (order_id TEXT PRIMARY KEY, event TEXT NOT NULL)');
  return {
    keep: async (tx, answer) => {
      await tx.execute('INSERT INTO inventory_answers (order_id, event) VALUES (?, ?) ON CONFLICT DO NOTHING', [
        answer.subject,
        JSON.stringify(answer),
      ]);
    },
    of: async (orderId) => {
      const [row] = await db.query<{ event: string }>('SELECT event FROM inventory_answers WHERE order_id = ?', [
        orderId,
      ]);
      return row && (JSON.parse(row.event) as CloudEvent);
    },
  };
}
