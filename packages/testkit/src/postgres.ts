import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dockerFallback } from './docker.ts';
import { redact } from './redact.ts';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let baseUrl: Promise<string> | undefined;

/**
 * A new, empty PostgreSQL database for one test file. The server is DATABASE_URL when set,
 * else the local default, else a Testcontainers PostgreSQL where Docker runs — and when
 * none answers, an error that says so (never a silent skip).
 */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
  baseUrl ??= findServer();
  const server = await baseUrl;
  const name = `commlab_test_${randomBytes(6).toString('hex')}`;
  await withClient(server, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(server, (client) => dropWhenLeft(client, name)),
  };
}

/**
 * Drops the database once its users have left: a pool's `end()` resolves while its connections
 * are still closing, and FORCE terminating one of them then reaches a client that has no error
 * listener left (an uncaught 57P01 in whichever test runs next). FORCE only after 5 s.
 */
async function dropWhenLeft(client: pg.Client, name: string): Promise<void> {
  for (const until = Date.now() + 5_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    if (rows[0]!.n === 0) break;
  }
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function findServer(): Promise<string> {
  const candidate = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    await withClient(candidate, (client) => client.query('SELECT 1'));
    return candidate;
  } catch (err) {
    return dockerFallback(`PostgreSQL at ${redact(candidate)}`, err as Error, async ({ GenericContainer, Wait }) => {
      const container = await new GenericContainer('postgres:17-alpine')
        .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
        .start();
      return `postgres://postgres:postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
    });
  }
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
