import { alternate, closedLoop, openLoop, Report, type LabBenchmarks, type RunResult, type Send } from '@commlab/bench';
import { grpcInventoryDriver } from '@commlab/bench/drivers/grpc';
import { httpDriver } from '@commlab/bench/drivers/http';
import { startExtraService } from '@commlab/lab/testing';
import { serverStats, setWeights } from '@commlab/mesh';

/**
 * Both paths end at the same inventory process (v1): straight, or in at order's sidecar
 * (outbound, plain h2c), through its split and v1's proxy, mTLS to v1's sidecar (inbound), h2c
 * to v1. The split goes all to v1 for the run, so the mesh path has no second process to share
 * the load with.
 */
const paths = ['direct', 'sidecars'] as const;
type Path = (typeof paths)[number];

// LT-012 has no stock: each order is one Reserve round trip to inventory, answered 409, and no
// run takes stock from the next. What differs between the two order services is that round trip.
const outOfStock = JSON.stringify({ customerId: 'bench', lines: [{ sku: 'LT-012', quantity: 1 }] });

export const experiments: LabBenchmarks['experiments'] = [
  {
    name: 'mesh',
    title: '07. Sidecar overhead: gRPC and REST with and without the mesh',
    question: 'What do two sidecars and mTLS on the way add to a call’s latency, and take from its throughput?',
    // order's sidecar and what it names: inventory v1 and v2 and their sidecars. The two order
    // services of the REST part are the experiment's own.
    services: ['order-sidecar'],
    async run(context) {
      const report = new Report('mesh', this.title, { question: this.question, short: context.short });
      const admin = context.addr('order-sidecar', 'admin');
      const weights = await weightsOf(admin);
      const grpc = {
        direct: grpcInventoryDriver(context.addr('inventory-v1')),
        sidecars: grpcInventoryDriver(context.addr('order-sidecar', 'inventory')),
      };
      const orders: Partial<Record<Path, Awaited<ReturnType<typeof startOrder>>>> = {};
      const http: ReturnType<typeof httpDriver>[] = [];
      try {
        await setWeights(admin, 'inventory', { ...Object.fromEntries(Object.keys(weights).map((v) => [v, 0])), v1: 1 });
        context.progress('starting two order services: one calling inventory v1 straight, one through the sidecars');
        orders.direct = await startOrder(context.addr('inventory-v1'));
        orders.sidecars = await startOrder(context.addr('order-sidecar', 'inventory'));
        const rest = Object.fromEntries(
          paths.map((path) => {
            const driver = httpDriver(orders[path]!.url, { connections: 10 });
            http.push(driver);
            const send = driver.send({
              method: 'POST',
              path: '/orders',
              headers: { 'content-type': 'application/json' },
              body: outOfStock,
              ok: (status) => status === 409,
            });
            return [path, send];
          }),
        ) as Record<Path, Send>;
        const calls = {
          gRPC: { send: { direct: grpc.direct.getStock(['WC-005']), sidecars: grpc.sidecars.getStock(['WC-005']) } },
          REST: { send: rest },
        };

        const rounds = context.short ? 1 : 3;
        const durationMs = context.short ? 300 : 4_000;
        for (const [kind, { send }] of Object.entries(calls)) {
          context.progress(`${kind}: warm-up`);
          for (const path of paths)
            await closedLoop(send[path], { concurrency: 10, durationMs: context.short ? 100 : 2_000 });
          // Most calls per second, 10 at a time, each path in turn, round after round.
          const most = await alternate(
            Object.fromEntries(
              paths.map((path) => [
                path,
                () => {
                  context.progress(`${kind} ${path}: closed loop, 10 at a time, ${durationMs / 1000} s`);
                  return closedLoop(send[path], { concurrency: 10, durationMs });
                },
              ]),
            ) as Record<Path, () => Promise<RunResult>>,
            rounds,
          );
          // Latency at a steady rate, a quarter of what the slower path managed: what a call costs,
          // not how long it queued. (At half, gRPC's calls queued in this process — the client
          // shares the two cores with both paths — and p50 was about 90 ms on either path.)
          const rate = Math.max(5, Math.round(Math.min(...paths.map((p) => most[p].achievedRate)) / 4));
          const steady = await alternate(
            Object.fromEntries(
              paths.map((path) => [
                path,
                () => {
                  context.progress(`${kind} ${path}: open loop, ${rate}/s, ${durationMs / 1000} s`);
                  return openLoop(send[path], { rate, durationMs, timeoutMs: 10_000 });
                },
              ]),
            ) as Record<Path, () => Promise<RunResult>>,
            rounds,
          );
          const row = (path: Path, what: string) => `${kind} ${path}: ${what}`;
          for (const path of paths) {
            report.add(
              row(path, 'most calls/s'),
              most[path],
              path === 'direct' ? {} : { baseline: row('direct', 'most calls/s') },
            );
          }
          for (const path of paths) {
            report.add(
              row(path, `${rate} calls/s`),
              steady[path],
              path === 'direct' ? {} : { baseline: row('direct', `${rate} calls/s`) },
            );
          }
          report.ratio(
            `${kind} sidecars / direct, calls/s`,
            row('sidecars', 'most calls/s'),
            row('direct', 'most calls/s'),
          );
          for (const metric of ['p50', 'p99'] as const) {
            report.ratio(
              `${kind} sidecars / direct, ${metric} at ${rate}/s`,
              row('sidecars', `${rate} calls/s`),
              row('direct', `${rate} calls/s`),
              { metric },
            );
          }
        }
        report.note(
          "gRPC: GetStock of one SKU, straight to inventory v1 (h2c) or in at order's sidecar: its split (all to v1 for " +
            "the run), v1's proxy, mTLS (HTTP/2) to v1's sidecar, h2c to v1 — the path order's checkout takes. REST: " +
            "order's POST /orders has no sidecar in front of it (its clients are outside the mesh), so two order " +
            "services started by the experiment, lab 01's code, differ only in INVENTORY_ADDR: v1 straight, or order's " +
            'sidecar. Each order is for LT-012, which has no stock: one Reserve round trip, answered 409. Each path in ' +
            'turn, round after round; the median round is kept. The open loop runs at a quarter of the most calls/s of the ' +
            'slower path. The ratios are the result: on a shared machine the absolute numbers move with its other work.',
        );
      } finally {
        grpc.direct.close();
        grpc.sidecars.close();
        await Promise.all(http.map((driver) => driver.close()));
        await Promise.all(Object.values(orders).map((order) => order.stop()));
        await setWeights(admin, 'inventory', weights);
      }
      return report;
    },
  },
];

/** Each version's weight in order's sidecar's split, to put back after the run. */
async function weightsOf(admin: string): Promise<Record<string, number>> {
  const rows = (await serverStats(admin)).filter((row) => row.backend === 'inventory');
  return Object.fromEntries(rows.map((row) => [row.server, row.weight]));
}

/** Lab 01's order service on a free port, calling inventory at `inventoryAddr`. */
const startOrder = (inventoryAddr: string) =>
  startExtraService('order', 'order-bench', { INVENTORY_ADDR: inventoryAddr });
