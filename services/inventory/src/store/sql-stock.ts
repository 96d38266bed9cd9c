import type { Database, Sql, Transaction } from '@commlab/sql';
import type { Reservation, StockItem, StockLevel, StockReader, StockRecords, StockStore } from '../domain/ledger.ts';

interface ReservationRow {
  lines: string;
  fingerprint: string;
  released: number;
}

/**
 * Stock and reservations in the service's database (SQLite or PostgreSQL), so a restarted
 * inventory still holds what it reserved and answers a repeated Reserve as the first time.
 * The catalogue seeds SKUs the store does not have yet; levels it has are kept.
 */
export async function sqlStockStore(db: Database, catalogue: readonly StockItem[]): Promise<StockStore<Transaction>> {
  await db.setUp(`
    CREATE TABLE IF NOT EXISTS inventory_items (
      sku TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      name TEXT NOT NULL,
      available INTEGER NOT NULL,
      reserved INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS inventory_reservations (
      id TEXT PRIMARY KEY,
      lines TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      released INTEGER NOT NULL
    );`);
  await db.transaction(async (tx) => {
    for (const [position, { sku, name, onHand }] of catalogue.entries()) {
      await tx.execute(
        `INSERT INTO inventory_items (sku, position, name, available, reserved) VALUES (?, ?, ?, ?, 0)
         ON CONFLICT (sku) DO NOTHING`,
        [sku, position, name, onHand],
      );
    }
  });

  // In a transaction, what it reads is locked until it ends (PostgreSQL; SQLite runs one at a time).
  const reader = (sql: Sql, lock: string): StockReader => ({
    levels: (skus) =>
      sql.query<StockLevel>(
        `SELECT sku, name, available, reserved FROM inventory_items
         ${skus.length > 0 ? `WHERE sku IN (${skus.map(() => '?').join(', ')})` : ''} ORDER BY position${lock}`,
        skus,
      ),
    reservation: async (id) => {
      const [row] = await sql.query<ReservationRow>(
        `SELECT lines, fingerprint, released FROM inventory_reservations WHERE id = ?${lock}`,
        [id],
      );
      return (
        row && {
          lines: JSON.parse(row.lines) as Reservation['lines'],
          fingerprint: row.fingerprint,
          released: row.released === 1,
        }
      );
    },
  });
  const records = (tx: Transaction): StockRecords => ({
    ...reader(tx, db.dialect.forUpdate),
    saveLevels: async (levels) => {
      for (const { sku, available, reserved } of levels) {
        await tx.execute('UPDATE inventory_items SET available = ?, reserved = ? WHERE sku = ?', [
          available,
          reserved,
          sku,
        ]);
      }
    },
    saveReservation: async (id, { lines, fingerprint, released }) => {
      await tx.execute(
        `INSERT INTO inventory_reservations (id, lines, fingerprint, released) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET lines = excluded.lines, fingerprint = excluded.fingerprint, released = excluded.released`,
        [id, JSON.stringify(lines), fingerprint, released ? 1 : 0],
      );
    },
    afterCommit: (callback) => tx.afterCommit(callback),
  });

  return {
    read: () => reader(db, ''),
    transaction: (work) => db.transaction((tx) => work(records(tx))),
    within: records,
  };
}
