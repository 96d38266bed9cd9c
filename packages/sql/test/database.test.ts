import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type TestDatabase } from '@commlab/testkit';
import { openDatabase, sqliteDatabase, type Database } from '../src/index.ts';

const temporaryFile = () => join(mkdtempSync(join(tmpdir(), 'commlab-sql-')), 'db.sqlite');

const databases: { name: string; open: () => Promise<{ db: Database; drop: () => Promise<void> }> }[] = [
  { name: 'SQLite', open: async () => ({ db: sqliteDatabase(temporaryFile()), drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    open: async () => {
      const server = await freshPostgresDatabase();
      return { db: await openDatabase({ url: server.url, file: 'unused' }), drop: server.drop };
    },
  },
];

describe.each(databases)('SQL seam on $name', ({ open }) => {
  let db: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await open());
    await db.setUp(`CREATE TABLE IF NOT EXISTS notes (id ${db.dialect.serialKey}, body TEXT NOT NULL)`);
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('numbers the ? of a statement in order and answers whole numbers as numbers', async () => {
    const [row] = await db.query<{ id: number }>('INSERT INTO notes (body) VALUES (?) RETURNING id', ['first']);
    expect(typeof row!.id).toBe('number');
    const [count] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM notes WHERE body = ? AND id = ?', [
      'first',
      row!.id,
    ]);
    expect(count).toEqual({ n: 1 });
  });

  it('answers how many rows a write changed', async () => {
    await db.execute('INSERT INTO notes (body) VALUES (?), (?)', ['a', 'a']);
    expect(await db.execute('UPDATE notes SET body = ? WHERE body = ?', ['b', 'a'])).toBe(2);
  });

  it('keeps none of a transaction that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO notes (body) VALUES (?)', ['half-done']);
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    expect(await db.query('SELECT id FROM notes WHERE body = ?', ['half-done'])).toEqual([]);
  });

  it('runs what waits for a commit after it, and nothing of a transaction that rolled back', async () => {
    const told: string[] = [];
    await db.transaction(async (tx) => {
      tx.afterCommit(() => told.push('committed'));
      await tx.execute('INSERT INTO notes (body) VALUES (?)', ['told']);
      expect(told).toEqual([]);
    });
    await db
      .transaction(async (tx) => {
        tx.afterCommit(() => told.push('rolled back'));
        throw new Error('changed my mind');
      })
      .catch(() => {});
    expect(told).toEqual(['committed']);
  });

  it('runs transactions that overlap in time one after another where they touch the same rows', async () => {
    await db.execute('INSERT INTO notes (body) VALUES (?)', ['0']);
    const increment = () =>
      db.transaction(async (tx) => {
        const [row] = await tx.query<{ body: string }>(
          `SELECT body FROM notes WHERE id = (SELECT MAX(id) FROM notes)${db.dialect.forUpdate}`,
        );
        await tx.execute('UPDATE notes SET body = ? WHERE id = (SELECT MAX(id) FROM notes)', [
          String(Number(row!.body) + 1),
        ]);
      });
    await Promise.all(Array.from({ length: 10 }, increment));
    const [last] = await db.query<{ body: string }>('SELECT body FROM notes WHERE id = (SELECT MAX(id) FROM notes)');
    expect(last!.body).toBe('10');
  });

  it('sets up the same tables twice, from two connections at once, without an error', async () => {
    const ddl = `CREATE TABLE IF NOT EXISTS twice (id ${db.dialect.serialKey}, body TEXT)`;
    await expect(Promise.all([db.setUp(ddl), db.setUp(ddl)])).resolves.toBeDefined();
  });
});

describe('SQL seam on SQLite', () => {
  it('keeps what was committed across a reopen', async () => {
    const file = temporaryFile();
    const before = sqliteDatabase(file);
    await before.setUp('CREATE TABLE kept (body TEXT)');
    await before.transaction((tx) => tx.execute('INSERT INTO kept (body) VALUES (?)', ['still here']));
    await before.close();
    const after = sqliteDatabase(file);
    expect(await after.query('SELECT body FROM kept')).toEqual([{ body: 'still here' }]);
    await after.close();
  });
});

describe('SQL seam on PostgreSQL', () => {
  let server: TestDatabase;
  beforeAll(async () => {
    server = await freshPostgresDatabase();
  });
  afterAll(() => server?.drop());

  it("keeps its tables in the schema the URL's search_path names, apart from another schema's", async () => {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE SCHEMA lab_a; CREATE SCHEMA lab_b');
    await admin.end();
    const inSchema = (schema: string) => {
      const url = new URL(server.url);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return openDatabase({ url: url.toString(), file: 'unused' });
    };
    const [a, b] = await Promise.all([inSchema('lab_a'), inSchema('lab_b')]);
    for (const db of [a, b]) await db.setUp('CREATE TABLE IF NOT EXISTS notes (body TEXT)');
    await a.execute('INSERT INTO notes (body) VALUES (?)', ['only in a']);
    expect(await a.query('SELECT body FROM lab_a.notes')).toEqual([{ body: 'only in a' }]);
    expect(await b.query('SELECT body FROM notes')).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });
});
