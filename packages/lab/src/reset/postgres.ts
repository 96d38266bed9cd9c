import { postgresDatabase } from '@commlab/sql';

/**
 * Drops a run's schemas (and everything in them), saying which there were. Their names come
 * from the run's namespaces (namespaceSchema), so no other lab's or test's data is in them.
 */
export async function dropSchemas(url: string, schemas: readonly string[]): Promise<string[]> {
  const db = await postgresDatabase(url);
  try {
    const found = await db.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname IN (${schemas.map(() => '?').join(', ')}) ORDER BY nspname`,
      schemas,
    );
    for (const { nspname } of found) await db.execute(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    return found.map(({ nspname }) => nspname);
  } finally {
    await db.close();
  }
}
