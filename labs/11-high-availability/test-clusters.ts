import { afterAll, beforeAll } from 'vitest';
import type { Cluster } from '@commlab/testkit';

/**
 * The clusters this file needs, running before its lab starts: a cluster that was not running
 * is started (by its cluster.sh) and stopped again after the file, so a test run leaves the
 * machine as it found it — six JVMs and three Erlang nodes are too much to leave behind.
 */
export function clustersForThisFile(...clusters: Cluster[]): void {
  const started: Cluster[] = [];
  beforeAll(async () => {
    for (const cluster of clusters) if (!(await cluster.start())) started.push(cluster);
  }, 300_000);
  afterAll(async () => {
    for (const cluster of started) await cluster.stop();
  }, 120_000);
}
