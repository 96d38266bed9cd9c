import { spawnSync } from 'node:child_process';

type Testcontainers = typeof import('testcontainers');

/**
 * When a broker the tests need is not reachable, Testcontainers can start one — but only
 * where a Docker engine runs. Otherwise the test fails with what was tried and how to fix it.
 */
export async function dockerFallback<T>(
  what: string,
  cause: Error,
  start: (tc: Testcontainers) => Promise<T>,
): Promise<T> {
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      `${what} is not reachable (${cause.message}) and no Docker engine runs for Testcontainers. ` +
        'Start it (`pnpm lab test` starts what this machine can) or point the environment variable at one.',
      { cause },
    );
  }
  return start(await import('testcontainers'));
}
