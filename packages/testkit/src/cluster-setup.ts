import { kafkaCluster, rabbitMqCluster, type Cluster } from './clusters.ts';

/**
 * Global setup of the vitest `cluster` project: both three-node clusters started once, side by
 * side, before its first file, and stopped after its last if this run started them. Each file
 * then finds them running (its own start is a status check), instead of paying a cold start of
 * six JVMs or three Erlang nodes per file. `pnpm lab test` starts them before vitest (the lab
 * declares them), so there this finds them running and stops nothing.
 */
export default async function startClusters(): Promise<() => Promise<void>> {
  const clusters: Cluster[] = [kafkaCluster(), rabbitMqCluster()];
  const wasRunning = await Promise.all(clusters.map((cluster) => cluster.start()));
  const started = clusters.filter((_, i) => !wasRunning[i]);
  return async () => {
    for (const cluster of started) await cluster.stop();
  };
}
