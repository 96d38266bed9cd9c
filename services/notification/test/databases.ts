import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresDatabase } from '@commlab/testkit';

/** Where a test keeps the service's data: a fresh SQLite folder, or a fresh PostgreSQL database. */
export const databases: {
  name: string;
  open: () => Promise<{ env: Record<string, string>; drop: () => Promise<void> }>;
}[] = [
  {
    name: 'SQLite',
    open: async () => ({
      env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'commlab-notification-')) },
      drop: async () => {},
    }),
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const db = await freshPostgresDatabase();
      return {
        env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'commlab-notification-')), DATABASE_URL: db.url },
        drop: db.drop,
      };
    },
  },
];
