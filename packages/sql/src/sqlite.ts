import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { committing, dialects, type Database, type Sql, type SqlValue } from './database.ts';

/**
 * A database in an embedded SQLite file (node:sqlite), ':memory:' for a throw-away one.
 * WAL mode: a write that returned survives the process being killed (synchronous=NORMAL: a
 * power cut may lose the last ones; brokers redeliver what was not acknowledged).
 *
 * One connection holds one transaction at a time, and a statement run while one is open would
 * join it (and could read what is then rolled back). So every use of the database, a
 * transaction or a single statement, takes its turn in one queue.
 */
export function sqliteDatabase(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  const statements = new Map<string, StatementSync>();
  const prepared = (text: string) => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = db.prepare(text)));
    return statement;
  };
  const inTx: Sql = {
    query: async <Row extends object>(text: string, values: readonly SqlValue[] = []) =>
      prepared(text).all(...values) as unknown as Row[],
    execute: async (text, values = []) => Number(prepared(text).run(...values).changes),
  };

  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T> | T): Promise<T> => {
    const result = turn.then(work);
    turn = result.catch(() => {});
    return result;
  };

  return {
    dialect: dialects.sqlite,
    query: (text, values) => inTurn(() => inTx.query(text, values)),
    execute: (text, values) => inTurn(() => inTx.execute(text, values)),
    setUp: (ddl) => inTurn(() => db.exec(ddl)),
    transaction: (work) =>
      inTurn(async () => {
        const tx = committing(inTx);
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(tx);
          db.exec('COMMIT');
          tx.committed();
          return result;
        } catch (err) {
          if (db.isTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
    ping: () => inTurn(() => void prepared('SELECT 1').get()),
    close: () => inTurn(() => db.close()),
  };
}
