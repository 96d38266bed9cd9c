import { setTimeout as sleep } from 'node:timers/promises';
import { openLoop, Report, type ExperimentContext, type LabBenchmarks, type RunResult } from '@commlab/bench';
import { httpDriver } from '@commlab/bench/drivers/http';
import { dialEdge, parseDial, writeDials } from '@commlab/faults/file';
import { faultsFileOf, startExtraService } from '@commlab/lab/testing';
import { resilience } from './lab.ts';

const labId = '11-fault-tolerance';
const faults: { name: string; dial: string[] }[] = [
  { name: 'no fault', dial: [] },
  { name: 'inventory fails 50 %', dial: ['errors=50%', 'status=UNAVAILABLE'] },
  { name: 'inventory +5 s', dial: ['latency=5s'] },
  { name: 'inventory down', dial: ['abort'] },
];
// A flood orders LT-012, which has no stock: each order costs a whole round trip to inventory
// (and a 409), and neither flood runs the other out of stock.
const outOfStock = JSON.stringify({ customerId: 'bench', lines: [{ sku: 'LT-012', quantity: 1 }] });
/** The order service with none of the patterns names itself so; inventory's dials know it by that name. */
const plainName = 'order-without-patterns';
// The SKUs with the most stock (220 together), in turn: a whole run confirms about 130 orders.
const skus = ['CB-007', 'MP-009', 'MS-002', 'WC-005'];
let placed = 0;
const order = () =>
  JSON.stringify({ customerId: 'bench', lines: [{ sku: skus[placed++ % skus.length], quantity: 1 }] });

/**
 * The same orders through three order services calling the same inventory, under the same
 * fault, in one run: the lab's order (timeouts, retries, bulkhead, breaker), its order-fallback
 * (the same, and the pending fallback) and one with none of them (the service's defaults: a 2 s
 * deadline, one attempt). p50/p99 and errors side by side.
 */
export const experiments: LabBenchmarks['experiments'] = [
  {
    name: 'resilience',
    title: '11. Resilience patterns under a fault: with and without',
    question:
      'What do timeouts, retries, the bulkhead and the breaker change for callers while inventory is slow or failing?',
    services: ['order', 'order-fallback'],
    async run(context) {
      const report = new Report('resilience', this.title, { question: this.question, short: context.short });
      const plain = await startPlainOrder(context);
      const file = faultsFileOf(labId);
      const targets = [
        { label: 'with patterns', http: httpDriver(context.url('order'), { connections: 50 }) },
        { label: '+ fallback', http: httpDriver(context.url('order-fallback'), { connections: 50 }) },
        { label: 'without', http: httpDriver(plain.url, { connections: 50 }) },
      ];
      const breakers = [context.url('order'), context.url('order-fallback')];
      const rows: (string | number)[][] = [];
      try {
        // A cold service (first connection, first statements) would time out a 350 ms attempt and
        // open the breaker before any fault: warm both up first.
        context.progress('warming up both order services');
        for (const url of [...breakers, plain.url]) for (let i = 0; i < 3; i++) await placeOne(url);
        for (const url of breakers) await closeBreaker(url);
        for (const fault of faults) {
          writeDials(file, {});
          if (fault.dial.length > 0) {
            for (const caller of ['order', 'order-fallback', plainName]) {
              dialEdge(file, `${caller}-inventory`, parseDial(fault.dial));
            }
          }
          await sleep(500); // the services poll the flag file every 200 ms
          for (const target of targets) {
            context.progress(`${fault.name}: ${target.label}`);
            const { send, statuses, tally } = placing(target.http, order());
            const run: RunResult = await openLoop(send, {
              rate: 10,
              durationMs: context.short ? 300 : 2_000,
              warmupMs: 0,
              timeoutMs: 10_000,
              maxInFlight: 500,
            });
            const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
            const share = (n: number) => `${Math.round((100 * n) / Math.max(1, answered))} %`;
            rows.push([
              fault.name,
              target.label,
              share(statuses[201] ?? 0),
              share((statuses[201] ?? 0) + (statuses[202] ?? 0)),
              tally(),
            ]);
            report.add(`${fault.name} · ${target.label}`, run);
          }
          // Each fault starts from closed breakers and no order pending, not from what the last one left.
          writeDials(file, {});
          for (const url of breakers) await closeBreaker(url);
          await nonePending(context.url('order-fallback'));
        }
        report.table({
          title: 'answers',
          columns: ['fault', 'order service', 'confirmed', 'accepted', 'statuses'],
          rows,
        });
        report.note(
          'Each row: orders at 10/s through one order service. "with patterns" is the lab\'s order (600 ms for stock, ' +
            '350 ms per attempt, one retry within a 10 % budget, bulkhead 10+10, breaker at 50 % of 5 calls); "+ fallback" ' +
            'is its order-fallback, which answers 202 pending instead of failing and confirms later; "without" is the ' +
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
  {
    name: 'shedding',
    title: '11. Load shedding under a flood: with and without',
    question:
      'What does refusing new orders at the edge, while the event loop is saturated, change for callers when far more orders arrive than the service can take?',
    services: ['order'],
    async run(context) {
      const report = new Report('shedding', this.title, { question: this.question, short: context.short });
      // The lab's order service again, every pattern as in lab.ts, only without shedding.
      const patterns = Object.fromEntries(
        Object.entries(resilience).filter(([name]) => name !== 'INVENTORY_ADDR' && !name.startsWith('SHED_')),
      );
      const plain = await startPlainOrder(context, patterns);
      const targets = [
        { label: 'shedding', http: httpDriver(context.url('order'), { connections: 200 }) },
        { label: 'no shedding', http: httpDriver(plain.url, { connections: 200 }) },
      ];
      const rows: (string | number)[][] = [];
      try {
        context.progress('warming up both order services');
        for (const url of [context.url('order'), plain.url]) for (let i = 0; i < 3; i++) await placeOne(url);
        for (const target of targets) {
          context.progress(`flood: ${target.label}`);
          const { send, tally } = placing(target.http, outOfStock);
          const run = await openLoop(send, {
            rate: 1000,
            durationMs: context.short ? 300 : 3_000,
            warmupMs: 0,
            timeoutMs: 10_000,
            maxInFlight: 5_000,
          });
          rows.push([target.label, tally()]);
          report.add(`flood of 1000 orders/s · ${target.label}`, run);
          // The next flood starts from a closed breaker, as this one did.
          await closeBreaker(target === targets[0] ? context.url('order') : plain.url);
        }
        report.table({ title: 'answers', columns: ['order service', 'statuses'], rows });
        report.note(
          'Orders at 1000/s for LT-012, which has no stock (each one a round trip to inventory, answered 409), far more ' +
            'than one order process takes. Both services have every pattern of lab.ts; ' +
            '"shedding" also refuses a new order at once (503 overloaded, Retry-After) while its event loop was busy ' +
            'more than 90 % of the last 250 ms. Latency counts every answer, refusals too.',
        );
      } finally {
        await Promise.all(targets.map((t) => t.http.close()));
        await plain.stop();
      }
      return report;
    },
  },
];

/**
 * The order service with its own defaults (no pattern on), or with `env` over them, on a free
 * port, calling the lab's inventory.
 */
const startPlainOrder = (context: ExperimentContext, env: Record<string, string> = {}) =>
  startExtraService('order', plainName, { INVENTORY_ADDR: context.addr('inventory'), ...env });

/** Waits out an open breaker (BREAKER_RESET_MS) and closes it with a trial order. */
async function closeBreaker(orderUrl: string): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end; await sleep(100)) {
    const { breaker } = (await (await fetch(`${orderUrl}/resilience`)).json()) as { breaker?: { state: string } };
    if (!breaker || breaker.state === 'closed') return;
    if (breaker.state === 'halfOpen') await placeOne(orderUrl);
  }
  throw new Error('the breaker did not close within 20 s of clearing the fault');
}

/**
 * Placing `body` as an order, for the open loop. Every answer counts for latency (a fast 503 is
 * the point of a breaker, of shedding); its statuses are tallied apart.
 */
function placing(http: ReturnType<typeof httpDriver>, body: string) {
  const statuses: Record<number, number> = {};
  const send = http.send({
    method: 'POST',
    path: '/orders',
    headers: { 'content-type': 'application/json' },
    body,
    ok: (status) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      return true;
    },
  });
  const tally = () =>
    Object.entries(statuses)
      .map(([status, n]) => `${n}× ${status}`)
      .join(', ');
  return { send, statuses, tally };
}

/** Waits until the pending fallback confirmed (or rejected) every order it accepted. */
async function nonePending(orderUrl: string): Promise<void> {
  for (const end = Date.now() + 30_000; Date.now() < end; await sleep(200)) {
    const page = (await (await fetch(`${orderUrl}/orders?status=pending&limit=1`)).json()) as { items: unknown[] };
    if (page.items.length === 0) return;
  }
  throw new Error('order-fallback still had orders pending 30 s after the fault was cleared');
}

async function placeOne(orderUrl: string): Promise<number> {
  const response = await fetch(`${orderUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: order(),
  });
  await response.arrayBuffer();
  return response.status;
}
