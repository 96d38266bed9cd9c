/** A value a statement takes: the seam keeps to what both databases store the same way. */
export type SqlValue = string | number | null;

/**
 * What a statement runs on: the database, or one open transaction of it. Statements mark each
 * value with `?` (never inside a string literal); whole numbers come back as numbers on both
 * databases (PostgreSQL's BIGINT and COUNT included).
 */
export interface Sql {
  /** The rows of a SELECT, or of an INSERT/UPDATE/DELETE … RETURNING. */
  query<Row extends object = Record<string, unknown>>(text: string, values?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  execute(text: string, values?: readonly SqlValue[]): Promise<number>;
}

/** One open transaction. */
export interface Transaction extends Sql {
  /**
   * Runs `callback` once the transaction committed (never if it rolled back): the moment to
   * tell others about what it changed. A callback that throws cannot undo the commit.
   */
  afterCommit(callback: () => void): void;
}

/** The few words of DDL and locking in which the two databases differ. */
export interface Dialect {
  name: 'sqlite' | 'postgres';
  /** Column type of an id that only grows and is never reused. */
  serialKey: string;
  /** Appended to a SELECT inside a transaction that will update what it read. */
  forUpdate: string;
}

export const dialects = {
  sqlite: { name: 'sqlite', serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT', forUpdate: '' },
  postgres: { name: 'postgres', serialKey: 'BIGSERIAL PRIMARY KEY', forUpdate: ' FOR UPDATE' },
} as const satisfies Record<string, Dialect>;

/**
 * A service's database. Its stores take one of these and never know which database it is
 * (but for `dialect` in their DDL), so every store has one implementation.
 */
export interface Database extends Sql {
  readonly dialect: Dialect;
  /** Creates what a store needs (several statements, no values); safe to run again and from several processes at once. */
  setUp(ddl: string): Promise<void>;
  /**
   * All of `work` or none of it. Inside, run statements on `tx` only: the database itself
   * waits for the transaction to end (SQLite has one connection), so using it there would wait forever.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Readiness: one round trip. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A transaction's statements plus the callbacks to run once it committed. */
export function committing(sql: Sql): Transaction & { committed(): void } {
  const callbacks: (() => void)[] = [];
  return {
    ...sql,
    afterCommit: (callback) => void callbacks.push(callback),
    committed: () => {
      for (const callback of callbacks) {
        try {
          callback();
        } catch {
          // Committed is committed: one failing listener must not turn it into an error.
        }
      }
    },
  };
}
