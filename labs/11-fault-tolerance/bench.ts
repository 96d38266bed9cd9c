import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLoop, Report, type ExperimentContext, type LabBenchmarks, type RunResult } from '@commlab/bench';
import { httpDriver } from '@commlab/bench/drivers/http';
import { dialEdge, parseDial, writeDials } from '@commlab/faults/file';
import { faultsFileOf } from '@commlab/lab/testing';
import { freePort } from '@commlab/testkit';

const labId = '11-fault-tolerance';
const faults: { name: string; dial: string[] }[] = [
  { name: 'no fault', dial: [] },
  { name: 'inventory fails 50 %', dial: ['errors=50%', 'status=UNAVAILABLE'] },
  { name: 'inventory +5 s', dial: ['latency=5s'] },
];

/**
 * The same orders through two order services calling the same inventory, under the same fault,
 * in one run: the lab's order (timeouts, retries, bulkhead, breaker) and one with none of them
 * (the service's defaults: a 2 s deadline, one attempt). p50/p99 and errors side by side.
 */
export const experiments: LabBenchmarks['experiments'] = [
  {
    name: 'resilience',
    title: '11. Resilience patterns under a fault: with and without',
    question:
      'What do timeouts, retries, the bulkhead and the breaker change for callers while inventory is slow or failing?',
    services: ['order'],
    async run(context) {
      const report = new Report('resilience', this.title, { question: this.question, short: context.short });
      const plain = await startPlainOrder(context);
      const file = faultsFileOf(labId);
      const targets = [
        { label: 'with patterns', http: httpDriver(context.url('order'), { connections: 50 }) },
        { label: 'without', http: httpDriver(plain.url, { connections: 50 }) },
      ];
      const rows: (string | number)[][] = [];
      try {
        // A cold service (first connection, first statements) would time out a 350 ms attempt and
        // open the breaker before any fault: warm both up first.
        context.progress('warming up both order services');
        for (const url of [context.url('order'), plain.url]) for (let i = 0; i < 5; i++) await placeOne(url);
        await closeBreaker(context.url('order'));
        for (const fault of faults) {
          writeDials(file, {});
          if (fault.dial.length > 0) dialEdge(file, 'order-inventory', parseDial(fault.dial));
          await sleep(500); // the services poll the flag file every 200 ms
          for (const target of targets) {
            context.progress(`${fault.name}: ${target.label}`);
            // Every answer counts for latency (a fast 503 is the point of a breaker); statuses are tallied apart.
            const statuses: Record<number, number> = {};
            const send = target.http.send({
              method: 'POST',
              path: '/orders',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ customerId: 'bench', lines: [{ sku: 'CB-007', quantity: 1 }] }),
              ok: (status) => {
                statuses[status] = (statuses[status] ?? 0) + 1;
                return true;
              },
            });
            const run: RunResult = await openLoop(send, {
              rate: 10,
              durationMs: context.short ? 300 : 2_000,
              warmupMs: 0,
              timeoutMs: 10_000,
              maxInFlight: 500,
            });
            const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
            rows.push([
              fault.name,
              target.label,
              `${Math.round((100 * (statuses[201] ?? 0)) / Math.max(1, answered))} %`,
              Object.entries(statuses)
                .map(([status, n]) => `${n}× ${status}`)
                .join(', '),
            ]);
            report.add(`${fault.name} · ${target.label}`, run);
          }
          // Each fault starts from a closed breaker, not from what the last one left.
          writeDials(file, {});
          await closeBreaker(context.url('order'));
        }
        report.table({ title: 'answers', columns: ['fault', 'order service', 'confirmed', 'statuses'], rows });
        report.note(
          'Each row: orders at 10/s through one order service. "with patterns" is the lab\'s (600 ms for stock, 350 ms ' +
            'per attempt, one retry within a 10 % budget, bulkhead 10+10, breaker at 50 % of 5 calls); "without" is the ' +
            "service's defaults (2 s, one attempt). Latency counts every answer, refusals too; the table below says which.",
        );
      } finally {
        writeDials(file, {});
        await Promise.all(targets.map((t) => t.http.close()));
        await plain.stop();
      }
      return report;
    },
  },
];

/** The order service with its own defaults (no pattern on), on a free port, calling the lab's inventory. */
async function startPlainOrder(context: ExperimentContext) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'commlab-lab11-plain-order-'));
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../services/order/src/main.ts')], {
    env: {
      ...process.env,
      SERVICE_NAME: 'order-without-patterns',
      PORT: String(port),
      INVENTORY_ADDR: context.addr('inventory'),
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const end = Date.now() + 60_000; ; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`the order service without patterns exited with ${child.exitCode}`);
    if (Date.now() > end) throw new Error('the order service without patterns was not ready after 60 s');
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits out an open breaker (BREAKER_RESET_MS) and closes it with a trial order. */
async function closeBreaker(orderUrl: string): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end; await sleep(100)) {
    const { breaker } = (await (await fetch(`${orderUrl}/resilience`)).json()) as { breaker?: { state: string } };
    if (!breaker || breaker.state === 'closed') return;
    if (breaker.state === 'halfOpen') await placeOne(orderUrl);
  }
  throw new Error('the breaker did not close within 20 s of clearing the fault');
}

async function placeOne(orderUrl: string): Promise<number> {
  const response = await fetch(`${orderUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 'bench', lines: [{ sku: 'CB-007', quantity: 1 }] }),
  });
  await response.arrayBuffer();
  return response.status;
}
