import type { RunResult } from './result.ts';

/**
 * Runs each target `rounds` times, alternating (A B A B …), and keeps each target's median
 * round by throughput. On a shared machine the load changes from second to second;
 * alternating spreads that over every target, and the median drops a round that caught a
 * neighbour's burst.
 */
export async function alternate<K extends string>(
  targets: Record<K, () => Promise<RunResult>>,
  rounds: number,
): Promise<Record<K, RunResult>> {
  const runs = Object.fromEntries(Object.keys(targets).map((k) => [k, [] as RunResult[]])) as Record<K, RunResult[]>;
  for (let round = 0; round < rounds; round++) {
    for (const key of Object.keys(targets) as K[]) runs[key].push(await targets[key]());
  }
  return Object.fromEntries(Object.entries<RunResult[]>(runs).map(([k, list]) => [k, median(list)])) as Record<
    K,
    RunResult
  >;
}

function median(runs: RunResult[]): RunResult {
  const sorted = [...runs].sort((a, b) => a.achievedRate - b.achievedRate);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** One open-loop run per rate, in order: the points of a latency-vs-throughput curve. */
export async function sweep(rates: number[], run: (rate: number) => Promise<RunResult>): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const rate of rates) results.push(await run(rate));
  return results;
}
