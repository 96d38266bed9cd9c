import { join } from 'node:path';
import {
  cpuDuring,
  startServerProcess,
  type ExperimentContext,
  type RunResult,
  type ServerProcess,
} from '@commlab/bench';
import { baselineScripts } from '@commlab/bench/baselines';

/** Places one order through the order API and returns its id (what the read experiments read). */
export async function placeOrder(orderUrl: string, lines = [{ sku: 'CB-007', quantity: 1 }]): Promise<string> {
  const response = await fetch(`${orderUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 'bench-customer', lines }),
  });
  if (response.status !== 201 && response.status !== 202) {
    throw new Error(`placing an order answered ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { id: string }).id;
}

/** A bare fastify app (the baseline) in its own process, its log lines written beside the services'. */
export function startBareFastify(
  context: ExperimentContext,
  env: Record<string, string> = {},
  label = 'bare-fastify',
): Promise<ServerProcess> {
  return startServerProcess(baselineScripts.fastify, {
    env,
    output: (line) => context.serviceLog(label, line),
  });
}

/** A bare grpc-js server of the inventory contract (the baseline), in its own process. */
export function startBareGrpc(context: ExperimentContext): Promise<ServerProcess> {
  return startServerProcess(baselineScripts.grpc, { output: (line) => context.serviceLog('bare-grpc', line) });
}

/** The order service's SQLite file, when the bench started the service (the bare app reads the same one). */
export function orderDatabase(context: ExperimentContext): string | undefined {
  const dir = context.dataDir('order');
  return dir && join(dir, 'orders.sqlite');
}

/**
 * A run with the CPU time its server process used per request (µs); undefined without a pid or
 * /proc. The run must have no warm-up of its own: warm up first, so every request counted here
 * is one the CPU time paid for.
 */
export async function withCpu(
  pid: number | undefined,
  run: () => Promise<RunResult>,
): Promise<{ result: RunResult; cpuPerRequestUs: number | undefined }> {
  const { result, cpuMs } = await cpuDuring({ server: pid }, run);
  const ms = cpuMs.server;
  return { result, cpuPerRequestUs: ms === undefined || result.sent === 0 ? undefined : (ms * 1_000) / result.sent };
}

export function formatUs(us: number | undefined): string {
  return us === undefined ? '–' : `${us.toFixed(0)} µs`;
}

/** Ratio with two decimals and a ×, for notes. */
export function times(value: number): string {
  return `${value.toFixed(2)}×`;
}

/** Median µs per call of `fn` over five batches: short, repeated, so one interruption does not count. */
export function timeUs(fn: () => unknown, iterations: number): number {
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    batches.push(((performance.now() - start) * 1_000) / iterations);
  }
  return batches.sort((x, y) => x - y)[2]!;
}
