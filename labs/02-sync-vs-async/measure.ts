// Measures what the chapter claims, both checkouts in the same run on the same machine:
//   1. latency: what the client waits for (POST → answer) and how long until the order is
//      settled (confirmed or rejected), p50 and p99 over N checkouts each, interleaved;
//   2. coupling: with inventory stopped, how many checkouts each mode accepts, and how long
//      the accepted ones take to complete once inventory is back.
// Usage: node labs/02-sync-vs-async/measure.ts [N]   (default 200). Starts its own lab on free ports.
import { cpus, totalmem } from 'node:os';
import { startLab } from '@commlab/lab/testing';
import { labClient, type Checkout } from './lab-client.ts';

const n = Number(process.argv[2] ?? 200);
const down = 20;
const line = [{ sku: 'CB-007', quantity: 1 }];

const lab = await startLab('02-sync-vs-async');
const client = labClient(lab);
try {
  const samples: Record<Checkout, { answer: number[]; settled: number[]; rejected: number }> = {
    'order-sync': { answer: [], settled: [], rejected: 0 },
    'order-async': { answer: [], settled: [], rejected: 0 },
  };
  const checkout = async (mode: Checkout) => {
    const start = performance.now();
    const { body } = await client.place(mode, line);
    const answered = performance.now();
    const order = body.status === 'pending' ? await client.settled(mode, body.id, 30_000, 2) : body;
    const settled = body.status === 'pending' ? performance.now() : answered;
    if (order.status === 'confirmed') {
      // Give the stock back (by event, untimed) so every checkout finds some.
      await fetch(`${lab.url(mode)}/orders/${order.id}/cancel`, { method: 'POST' });
    }
    return { answer: answered - start, settled: settled - start, rejected: order.status !== 'confirmed' };
  };

  for (let i = 0; i < 20; i++) for (const mode of ['order-sync', 'order-async'] as const) await checkout(mode);
  for (let i = 0; i < n; i++) {
    for (const mode of ['order-sync', 'order-async'] as const) {
      const s = await checkout(mode);
      samples[mode].answer.push(s.answer);
      samples[mode].settled.push(s.settled);
      if (s.rejected) samples[mode].rejected++;
    }
  }

  await lab.stopService('inventory');
  const accepted = { 'order-sync': 0, 'order-async': 0 };
  const refusedIn: number[] = [];
  const waiting: string[] = [];
  for (let i = 0; i < down; i++) {
    for (const mode of ['order-sync', 'order-async'] as const) {
      const start = performance.now();
      const { response, body } = await client.place(mode, line);
      if (response.status === 201 || response.status === 202) accepted[mode]++;
      if (mode === 'order-sync' && response.status === 503) refusedIn.push(performance.now() - start);
      if (response.status === 202) waiting.push(body.id);
    }
  }
  client.close();
  const restarted = performance.now();
  await lab.startService('inventory');
  const back = performance.now();
  const outcome = await Promise.all(waiting.map((id) => client.settled('order-async', id, 60_000, 5)));
  const drained = performance.now();

  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const row = (mode: Checkout, label: string) => {
    const s = samples[mode];
    return `| ${label} | ${ms(pct(s.answer, 50))} | ${ms(pct(s.answer, 99))} | ${ms(pct(s.settled, 50))} | ${ms(pct(s.settled, 99))} |`;
  };
  const cpu = cpus();
  console.log(
    `\nMachine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`,
  );
  console.log(`${n} checkouts per mode, interleaved, one at a time, after 20 warm-up rounds; RabbitMQ on loopback.\n`);
  console.log('| checkout | answer p50 | answer p99 | settled p50 | settled p99 |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('order-sync', 'sync (201 confirmed)'));
  console.log(row('order-async', 'async (202 pending)'));
  const rejected = samples['order-sync'].rejected + samples['order-async'].rejected;
  if (rejected > 0) console.log(`\n(${rejected} checkouts ended rejected and are included above)`);
  console.log(`\nInventory stopped, ${down} checkouts per mode:`);
  console.log(
    `- sync accepted ${accepted['order-sync']} of ${down}; refused with 503 in ${ms(pct(refusedIn, 50))} (p50)`,
  );
  console.log(`- async accepted ${accepted['order-async']} of ${down} (202)`);
  console.log(
    `- inventory ready again after ${ms(back - restarted)}; all ${waiting.length} accepted orders settled ` +
      `${ms(drained - back)} later: ${outcome.filter((o) => o.status === 'confirmed').length} confirmed`,
  );
} finally {
  client.close();
  await lab.stop();
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
