import type { Sql, Transaction } from './database.ts';

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
