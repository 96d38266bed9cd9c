import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  alternate,
  cpuDuring,
  openLoop,
  Report,
  type ExperimentContext,
  type LabBenchmarks,
  type RunResult,
} from '@commlab/bench';
import { grpcInventoryDriver } from '@commlab/bench/drivers/grpc';
import { autocannonRun, httpDriver } from '@commlab/bench/drivers/http';
import { labTarget, startLab, type LabUnderTest } from '@commlab/lab/testing';

const labId = '14-observability';

/**
 * The same order endpoint three times, each a copy of the lab's order and inventory with its own
 * setting — the preload loaded but switched off (OTEL_SDK_DISABLED), tracing every request as
 * lab.ts does, keeping one trace in ten (OTEL_TRACES_SAMPLER_ARG) — measured in one run, round
 * after round in turn. The traced copies send their spans to a sink that counts them (`sink`
 * is its URL for the copy), not to Zipkin: what is measured is what tracing costs the services,
 * and a Zipkin taking in thousands of spans a second on the same two cores would slow down
 * whichever copy came next.
 */
const variants = [
  {
    name: 'tracing off',
    env: () => ({ order: { OTEL_SDK_DISABLED: 'true' }, inventory: { OTEL_SDK_DISABLED: 'true' } }),
  },
  {
    name: 'traced, 100 %',
    env: (sink: string) => ({
      order: { OTEL_EXPORTER_ZIPKIN_ENDPOINT: sink },
      inventory: { OTEL_EXPORTER_ZIPKIN_ENDPOINT: sink },
    }),
  },
  {
    name: 'traced, 10 %',
    env: (sink: string) => ({
      order: { OTEL_EXPORTER_ZIPKIN_ENDPOINT: sink, OTEL_TRACES_SAMPLER_ARG: '0.1' },
      inventory: { OTEL_EXPORTER_ZIPKIN_ENDPOINT: sink },
    }),
  },
] as const;
type Variant = (typeof variants)[number]['name'];

const order = JSON.stringify({ customerId: 'bench', lines: [{ sku: 'CB-007', quantity: 1 }] });

export const experiments: LabBenchmarks['experiments'] = [
  {
    name: 'tracing',
    title: '14. Tracing overhead: the order endpoint untraced, traced at 100 % and at 10 %',
    question: 'What does tracing every request cost POST /orders, and how much of it does sampling give back?',
    // It starts its own three copies of order and inventory (the bench's one copy cannot differ by setting).
    services: [],
    async run(context) {
      const report = new Report('tracing', this.title, { question: this.question, short: context.short });
      const sink = await spanSink();
      const labs: Partial<Record<Variant, LabUnderTest>> = {};
      const clients: ReturnType<typeof httpDriver>[] = [];
      try {
        for (const [i, variant] of variants.entries()) {
          context.progress(`starting order and inventory: ${variant.name}`);
          labs[variant.name] = await startCopy(context, variant.env(sink.url(i)));
        }
        const rounds = context.short ? 1 : 5;
        const durationMs = context.short ? 1_000 : 4_000;
        const at = (variant: Variant) => labs[variant]!;
        const pidsOf = async (variant: Variant) => ({
          order: await at(variant).pid('order'),
          inventory: await at(variant).pid('inventory'),
        });
        const used = Object.fromEntries(variants.map((v) => [v.name, { cpuMs: 0, spans: 0, orders: 0 }])) as Record<
          Variant,
          { cpuMs: number; spans: number; orders: number }
        >;

        for (const [i, variant] of variants.entries()) {
          context.progress(`${variant.name}: stock for the run, and a warm-up`);
          await addStock(at(variant.name).addr('inventory'));
          await autocannonRun({
            ...post(at(variant.name)),
            connections: 10,
            durationMs: context.short ? 1_000 : 3_000,
          });
          await settle(await pidsOf(variant.name));
          sink.spans(i); // the warm-up's spans are not the runs'
        }

        // Most orders per second, 10 at a time. An order's work goes on after its answer — the outbox
        // relay publishes its events, inventory consumes one, both export their spans — so each run
        // ends when its copy is idle again: that work is counted in its CPU per order, and it does
        // not slow down the copy measured next.
        const closed = await alternate(
          Object.fromEntries(
            variants.map((v, i) => [
              v.name,
              async () => {
                context.progress(`${v.name}: closed loop, 10 connections, ${durationMs / 1000} s`);
                const pids = await pidsOf(v.name);
                const before = await stockOf(at(v.name).addr('inventory'));
                const { result, cpuMs } = await cpuDuring(pids, async () => {
                  const run = await autocannonRun({ ...post(at(v.name)), connections: 10, durationMs });
                  await settle(pids);
                  return run;
                });
                used[v.name].spans += sink.spans(i);
                // Counted by inventory: each order took one unit (the client's count misses those in flight at the end).
                used[v.name].orders += before - (await stockOf(at(v.name).addr('inventory')));
                used[v.name].cpuMs += (cpuMs.order ?? Number.NaN) + (cpuMs.inventory ?? Number.NaN);
                return result;
              },
            ]),
          ) as Record<Variant, () => Promise<RunResult>>,
          rounds,
        );
        // Latency at a steady rate, half of what the slowest copy managed: what each request costs,
        // not how long it queued (a fixed rate would saturate a busy machine and measure its queue).
        const rate = Math.max(5, Math.round(Math.min(...variants.map((v) => closed[v.name].achievedRate)) / 2));
        const open = await alternate(
          Object.fromEntries(
            variants.map((v) => {
              const http = httpDriver(at(v.name).url('order'), { connections: 10 });
              clients.push(http);
              const send = http.send({
                method: 'POST',
                path: '/orders',
                headers: { 'content-type': 'application/json' },
                body: order,
              });
              return [
                v.name,
                async () => {
                  context.progress(`${v.name}: open loop, ${rate} orders/s, ${durationMs / 1000} s`);
                  const run = await openLoop(send, { rate, durationMs, warmupMs: 0, timeoutMs: 10_000 });
                  await settle(await pidsOf(v.name));
                  return run;
                },
              ];
            }),
          ) as Record<Variant, () => Promise<RunResult>>,
          rounds,
        );

        const base = 'tracing off';
        for (const v of variants) {
          report.add(
            `${v.name}: most orders/s`,
            closed[v.name],
            v.name === base ? {} : { baseline: `${base}: most orders/s` },
          );
        }
        for (const v of variants) {
          report.add(
            `${v.name}: ${rate} orders/s`,
            open[v.name],
            v.name === base ? {} : { baseline: `${base}: ${rate} orders/s` },
          );
        }
        for (const v of variants.slice(1)) {
          report.ratio(`${v.name} / off, orders/s`, `${v.name}: most orders/s`, `${base}: most orders/s`);
          report.ratio(
            `${v.name} / off, p99 at ${rate}/s`,
            `${v.name}: ${rate} orders/s`,
            `${base}: ${rate} orders/s`,
            {
              metric: 'p99',
            },
          );
        }
        const perOrder = (n: number, orders: number, digits: number) =>
          orders > 0 && Number.isFinite(n) ? (n / orders).toFixed(digits) : '–';
        report.table({
          title:
            'Per order, over the closed-loop runs: CPU of order and inventory together (steadier than orders/s on a ' +
            'shared machine), and spans exported',
          columns: ['variant', 'CPU per order', 'spans exported per order'],
          rows: variants.map((v) => [
            v.name,
            `${perOrder(used[v.name].cpuMs * 1_000, used[v.name].orders, 0)} µs`,
            perOrder(used[v.name].spans, used[v.name].orders, 2),
          ]),
        });
        report.note(
          'Each variant is its own copy of order and inventory (same lab.ts, one setting changed), started by this ' +
            'experiment and measured in turn, round after round; the median round of each is kept. Each run lasts until ' +
            'its copy is idle again (events relayed and consumed, spans exported), and that CPU counts. "tracing off" ' +
            'still loads the preload, which then loads nothing (OTEL_SDK_DISABLED=true): no spans, no metrics. Spans go ' +
            'to a sink that counts them, not to Zipkin. The open loop runs at half the most orders/s of the slowest ' +
            'copy. At 10 % every span is still recorded — the RED metrics are made from them — and only one trace in ' +
            'ten is exported.',
        );
      } finally {
        await Promise.all(clients.map((c) => c.close()));
        await Promise.all(Object.values(labs).map((lab) => lab.stop()));
        await sink.close();
      }
      return report;
    },
  },
];

/** One copy of the lab's order and what it calls (inventory, RabbitMQ), with `env` changed. */
function startCopy(context: ExperimentContext, env: Record<string, Record<string, string>>): Promise<LabUnderTest> {
  const start = () =>
    startLab(labId, {
      // Containers when the Compose check runs it, else processes; a lab already up cannot be changed.
      target: labTarget() === 'compose' ? 'compose' : 'native',
      services: ['order'],
      env,
      output: context.serviceLog,
    });
  // A free port can be taken by someone else's connection before the service listens on it.
  return start().catch(start);
}

function post(lab: LabUnderTest) {
  return {
    url: `${lab.url('order')}/orders`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: order,
  };
}

/**
 * Takes what Zipkin's collector takes (`POST .../api/v2/spans`, a JSON array) and counts the
 * spans per copy, by the first segment of the path: `spans(copy)` is the count since it was
 * last asked. Light work, in the harness' process: a batch every half second from one copy.
 */
async function spanSink() {
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    const copy = request.url?.split('/')[1] ?? '';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const spans = JSON.parse(Buffer.concat(chunks).toString()) as unknown[];
        counts.set(copy, (counts.get(copy) ?? 0) + spans.length);
      } catch {
        // not a batch of spans: nothing to count
      }
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (copy: number) => `http://127.0.0.1:${port}/${copy}/api/v2/spans`,
    spans: (copy: number) => {
      const n = counts.get(String(copy)) ?? 0;
      counts.set(String(copy), 0);
      return n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Waits until the processes use less than a tenth of a core over half a second (at most 30 s),
 * then one more span batch interval (OTEL_BSP_SCHEDULE_DELAY, 500 ms): the orders' events
 * published and consumed, their last spans exported. Without /proc there is nothing to watch,
 * and it waits 5 s.
 */
async function settle(pids: Record<string, number | undefined>): Promise<void> {
  for (const until = Date.now() + 30_000; Date.now() < until;) {
    const { cpuMs } = await cpuDuring(pids, () => sleep(500));
    const used = Object.values(cpuMs);
    if (used.some((ms) => ms === undefined)) return void (await sleep(5_000));
    if (used.reduce((a, b) => a! + b!, 0)! < 50) break;
  }
  await sleep(600);
}

/** Units of the SKU the run orders that inventory can still reserve. */
async function stockOf(address: string): Promise<number> {
  const { client, close } = grpcInventoryDriver(address);
  try {
    const reply = await new Promise<{ items: { available: number }[] }>((resolve, reject) =>
      client.GetStock({ skus: ['CB-007'] }, (err, answer) => (err ? reject(err) : resolve(answer!))),
    );
    return reply.items[0]!.available;
  } finally {
    close();
  }
}

/** A million units of the SKU the run orders, so no order is refused for want of stock. */
async function addStock(address: string): Promise<void> {
  const { client, close } = grpcInventoryDriver(address);
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = client.AdjustStock((err) => (err ? reject(err) : resolve()));
      for (let i = 0; i < 100; i++)
        stream.write({ sku: 'CB-007', delta: 10_000, reason: 'ADJUSTMENT_REASON_RECEIVED' });
      stream.end();
    });
  } finally {
    close();
  }
}
