import { postgresDatabase } from '@commlab/sql';
import { freshPostgresDatabase, type TestDatabase } from '@commlab/testkit';
import { openEventStore, type Database, type EventStore } from '../../src/index.ts';

export interface TestStore {
  url: string;
  db: Database;
  store: EventStore;
  /** Closes the pool and drops the test's database. */
  close(): Promise<void>;
}

/** An event store in a database of its own (created for the test file, dropped after it). */
export async function testStore({ connections = 10 } = {}): Promise<TestStore> {
  const database: TestDatabase = await freshPostgresDatabase();
  try {
    const db = await postgresDatabase(database.url, { max: connections });
    const store = await openEventStore(db);
    return {
      url: database.url,
      db,
      store,
      close: async () => {
        await db.close();
        await database.drop();
      },
    };
  } catch (err) {
    await database.drop();
    throw err;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
