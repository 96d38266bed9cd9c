/**
 * What the event store needs from PostgreSQL, written as the same small seam as `@commlab/sql`
 * (its `Database`, `Sql`): statements mark values with `?`, whole numbers come back as
 * numbers, `transaction(work)` is all or nothing. A `Database` from `@commlab/sql`'s
 * `postgresDatabase` fits these types as it is: open the store on one of those.
 */

/** A value a statement takes. Arrays and objects travel as JSON text (`?::jsonb`). */
export type SqlValue = string | number | null;

/** The database, or one open transaction of it. */
export interface Sql {
  /** The rows of a SELECT, or of an INSERT/UPDATE/DELETE … RETURNING. */
  query<Row extends object = Record<string, unknown>>(text: string, values?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  execute(text: string, values?: readonly SqlValue[]): Promise<number>;
}

export interface Database extends Sql {
  /** Creates what a module needs (several statements, no values); safe from several processes at once. */
  setUp(ddl: string): Promise<void>;
  /** All of `work` or none of it, on one connection; inside, run statements on `tx` only. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Wake-ups from PostgreSQL's LISTEN/NOTIFY. A NOTIFY sent inside a transaction is delivered
 * when it commits, never when it rolls back, so a wake-up means "something new is visible".
 * They are a latency optimisation only: a listener that reconnects may miss some, which is
 * why every reader also polls.
 */
export interface Notifications {
  /** Calls `onNotify` for each notification on `channel`; resolves to the function that stops listening. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}
