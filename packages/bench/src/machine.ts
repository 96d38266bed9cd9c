import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** What the numbers were measured on: on a shared machine, absolute figures mean little without it. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages; above the core count, other work competed for the CPUs. */
  loadAverage: [number, number, number];
}

export function machine(): Machine {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: [round2(one), round2(five), round2(fifteen)],
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
