import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kafka, logLevel } from 'kafkajs';
import { closedLoop, endToEnd, openLoop, Report, type Experiment, type RunResult, type Stamp } from '@commlab/bench';
import { autocannonRun } from '@commlab/bench/drivers/http';
import { kafkaDriver } from '@commlab/bench/drivers/kafka';
import { createKafkaBus, deadLetterTopicOf, newEvent } from '@commlab/events';
import { formatUs, orderDatabase, placeOrder, startBareFastify, withCpu } from './support.ts';

const stampType = 'commlab.bench.stamp.v1';

/**
 * The project's own overhead, each part beside its bare baseline in the same run: the order
 * API's read against a bare fastify app doing the same SQLite read at the same log level, and
 * Kafka end to end through the project's event bus against bare kafkajs.
 */
export const overhead: Experiment = {
  name: 'overhead',
  title: "The project's own overhead against bare baselines",
  question: 'What does the project cost on top of the libraries it is built on, and where does the time go?',
  async run(context) {
    const report = new Report('overhead', this.title, { question: this.question, short: context.short });
    await orderRead(context, report);
    await kafkaEndToEnd(context, report);
    return report;
  },
};

async function orderRead(context: Parameters<Experiment['run']>[0], report: Report): Promise<void> {
  const orderUrl = context.url('order');
  const id = await placeOrder(orderUrl);
  // The bare app reads the order service's own SQLite file (WAL: readers never block the
  // writer); against a lab running elsewhere, a file of the same shape holding the same order.
  const own = orderDatabase(context);
  const copy = own ? undefined : await copyOfOrder(orderUrl, id);
  const bare = await startBareFastify(context, {
    SQLITE_FILE: own ?? copy!.file,
    SQLITE_QUERY: 'SELECT * FROM orders WHERE id = ?',
    LOG_LEVEL: 'info',
  });
  try {
    const targets = {
      order: { url: `${orderUrl}/orders/${id}`, pid: context.pid('order') },
      bare: { url: `http://127.0.0.1:${bare.port}/sqlite/${id}`, pid: bare.child.pid },
    };
    const durationMs = context.short ? 400 : 4_000;
    const rounds = context.short ? 1 : 5;
    context.progress(`warming up both (${context.short ? 0.3 : 3} s each)`);
    for (const target of Object.values(targets)) {
      await autocannonRun({ url: target.url, connections: 10, durationMs: context.short ? 300 : 3_000 });
    }
    const runs: Record<keyof typeof targets, RunResult[]> = { order: [], bare: [] };
    const cpu = { order: { ms: 0, requests: 0 }, bare: { ms: 0, requests: 0 } };
    for (let round = 1; round <= rounds; round++) {
      for (const name of ['order', 'bare'] as const) {
        context.progress(`round ${round}/${rounds}: ${name}, closed loop, 10 connections, ${durationMs / 1000} s`);
        const { result, cpuPerRequestUs } = await withCpu(targets[name].pid, () =>
          autocannonRun({ url: targets[name].url, connections: 10, durationMs }),
        );
        runs[name].push(result);
        if (cpuPerRequestUs !== undefined) {
          cpu[name].ms += (cpuPerRequestUs * result.sent) / 1_000;
          cpu[name].requests += result.sent;
        }
      }
    }
    const median = (list: RunResult[]) =>
      [...list].sort((a, b) => a.achievedRate - b.achievedRate)[(list.length - 1) >> 1]!;
    report.add('bare fastify: same SQLite read', median(runs.bare));
    report.add('order: GET /orders/:id', median(runs.order), { baseline: 'bare fastify: same SQLite read' });
    // Each round's pair ran back to back, so the ratio within a round is the steadiest figure;
    // the median of those drops a round that caught a neighbour's burst on one side only.
    const ratios = runs.order.map((r, i) => r.achievedRate / runs.bare[i]!.achievedRate);
    report.addRatio(
      {
        label: 'order read / bare fastify, req/s',
        value: [...ratios].sort((a, b) => a - b)[(ratios.length - 1) >> 1]!,
        detail: `median of the rounds' ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
      },
      { atLeast: 0.8 },
    );
    const perRequest = (c: { ms: number; requests: number }) => (c.requests ? (c.ms * 1_000) / c.requests : undefined);
    const [orderCpu, bareCpu] = [perRequest(cpu.order), perRequest(cpu.bare)];
    report.table({
      title: 'CPU per request (server process, all its threads; steadier than req/s on a shared machine)',
      columns: ['server', 'CPU per request', 'rounds (req/s)'],
      rows: [
        ['order', formatUs(orderCpu), runs.order.map((r) => Math.round(r.achievedRate)).join(', ')],
        ['bare fastify', formatUs(bareCpu), runs.bare.map((r) => Math.round(r.achievedRate)).join(', ')],
      ],
    });
    if (orderCpu !== undefined && bareCpu !== undefined) {
      report.addRatio({
        label: 'bare / order, CPU per request',
        value: bareCpu / orderCpu,
        detail: `bare ${formatUs(bareCpu)} / order ${formatUs(orderCpu)}`,
      });
    }
    report.note(
      'Both log one JSON line per request at info, read line by line and written to the same file. ' +
        'What the order service does on top: request ids and a request scope (AsyncLocalStorage), header ' +
        'and parameter validation, an ETag, deprecation headers, a response schema.',
    );
  } finally {
    await bare.stop();
    copy?.remove();
  }
}

/** A SQLite file shaped like the order store's, holding the order as the API returns it. */
async function copyOfOrder(orderUrl: string, id: string): Promise<{ file: string; remove(): void }> {
  const order = (await (await fetch(`${orderUrl}/orders/${id}`)).json()) as {
    customerId: string;
    status: string;
    lines: unknown;
    createdAt: string;
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-orders-'));
  const file = join(dir, 'orders.sqlite');
  const db = new DatabaseSync(file);
  db.exec(
    'CREATE TABLE orders (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL, ' +
      'status TEXT NOT NULL, lines TEXT NOT NULL, created_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1)',
  );
  db.prepare('INSERT INTO orders (id, customer_id, status, lines, created_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    order.customerId,
    order.status,
    JSON.stringify(order.lines),
    order.createdAt,
  );
  db.close();
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function kafkaEndToEnd(context: Parameters<Experiment['run']>[0], report: Report): Promise<void> {
  const rate = context.short ? 200 : 1_000;
  const bounds = context.short ? { durationMs: 400 } : { durationMs: 10_000 };
  const { kafkaBrokers: brokers } = context.infra;

  // The project's bus, as a service composes it: its own topic and group for this run.
  const namespace = `bench-${randomBytes(4).toString('hex')}`;
  const topic = `${namespace}.stamps`;
  const group = `${namespace}.e2e`;
  const [bus, bare] = await Promise.all([
    // A new group reads from the beginning, so a message published while it joins is not missed.
    createKafkaBus({ brokers, topicOf: () => topic }),
    // Bare kafkajs doing the same work, batching as experiment 7 found best here (a 5 ms
    // linger, up to 1,000 per send), same producer settings.
    kafkaDriver({ brokers, lingerMs: 5, batchSize: 1_000 }),
  ]);
  const track = endToEnd((stamp, { seq }) =>
    bus.publish(newEvent({ source: '/commlab/bench', type: stampType, subject: `k${seq % 16}`, data: stamp })),
  );
  const subscription = await bus.subscribe({ group, types: [stampType] }, async (event) => {
    track.arrived(event.data as Stamp);
  });
  try {
    context.progress('waiting until messages flow end to end (consumer groups joined)');
    await Promise.all([flowing(track.send), flowing(bare.endToEnd)]);
    // The floor: one produce request's round trip to this broker, one at a time. End to end is
    // at least a produce, a fetch and (at the end of each fetched batch) an offset commit.
    context.progress('one produce round trip at a time (bare kafkajs)');
    report.add(
      'Kafka produce round trip, one at a time',
      await closedLoop(bare.produce, { concurrency: 1, durationMs: context.short ? 300 : 3_000 }),
    );
    const results: Record<string, RunResult> = {};
    for (const [name, send] of [
      ['bare kafkajs', bare.endToEnd],
      ["project's bus", track.send],
    ] as const) {
      context.progress(`${name}: ${rate} events/s, open loop, ${bounds.durationMs / 1000} s`);
      results[name] = await openLoop(send, { rate, ...bounds, warmupMs: context.short ? 100 : 2_000 });
    }
    report.add(`Kafka e2e, bare kafkajs @ ${rate}/s`, results['bare kafkajs']!);
    report.add(`Kafka e2e, project's bus @ ${rate}/s`, results["project's bus"]!, {
      baseline: `Kafka e2e, bare kafkajs @ ${rate}/s`,
    });
    const p99 = results["project's bus"]!.latency.p99;
    report.target(
      `Kafka end-to-end p99 through the project's bus at ${rate}/s`,
      p99,
      `p99 of ${results["project's bus"]!.ok} events`,
      {
        atMost: 20,
      },
    );
    report.note(
      'Same producer settings on both (idempotent, acks=all, one request in flight). The bus sends what accumulated ' +
        "during the previous send as one batch; bare kafkajs lingers 5 ms. The project's consumer processes each partition in order, one " +
        'message at a time, and commits after each fetched batch; bare kafkajs does the same by default. End to end ' +
        'cannot beat about two broker round trips (produce, then fetch): see the round-trip row.',
    );
  } finally {
    await subscription.close();
    await bus.close();
    await bare.close();
    await dropKafka(brokers, [topic, deadLetterTopicOf(group)], [group]);
  }
}

/** Resolves once one message made it end to end (a new consumer group needs a moment to join). */
async function flowing(send: Parameters<typeof closedLoop>[0]): Promise<void> {
  const result = await closedLoop(send, { concurrency: 1, durationMs: 60_000, maxRequests: 1, timeoutMs: 60_000 });
  if (result.ok !== 1) throw new Error(`no message made it end to end within 60 s: ${JSON.stringify(result.errors)}`);
}

async function dropKafka(brokers: string[], topics: string[], groups: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteGroups(groups).catch(() => {});
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();
}
