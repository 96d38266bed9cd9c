// Compares WebSocket, Server-Sent Events and long-polling over the same feed, in one run on
// loopback, against a running lab 06 (pnpm lab up 06-websockets):
//   node labs/06-websockets/compare.ts [--server localhost:3001] [--clients 50] [--events 2000]
// Latency: one client, events appended one at a time, time from append to arrival.
// Throughput: --clients clients at once, --events events spread over them, events/s delivered.
// Connections held: TCP connections the clients keep open; requests: HTTP requests they made.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PushClient } from '@commlab/push/client.js';
import type { PushEvent } from '@commlab/push';
import { inject, orderEvent, tokenFor } from './push-helpers.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'localhost:3001' },
    clients: { type: 'string', default: '50' },
    events: { type: 'string', default: '2000' },
    samples: { type: 'string', default: '50' },
  },
});
const base = `http://${values.server}`;
const [clients, events, samples] = [values.clients, values.events, values.samples].map(Number) as [
  number,
  number,
  number,
];

interface Listener {
  received: PushEvent[];
  requests: number;
  stop(): void;
}
type Transport = (customer: string, onEvent: () => void) => Promise<Listener>;

const websocket: Transport = (customer, onEvent) =>
  new Promise((resolve) => {
    const listener: Listener = { received: [], requests: 1, stop: () => client.stop() };
    const client = new PushClient({
      url: `ws://${values.server}/ws`,
      token: tokenFor(customer),
      onEvent: (event) => {
        listener.received.push(event);
        onEvent();
      },
      onStatus: (status) => status.state === 'open' && resolve(listener),
    }).start();
  });

const sse: Transport = async (customer, onEvent) => {
  const abort = new AbortController();
  const response = await fetch(`${base}/sse`, {
    headers: { authorization: `Bearer ${tokenFor(customer)}` },
    signal: abort.signal,
  });
  const listener: Listener = { received: [], requests: 1, stop: () => abort.abort() };
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let opened = () => {};
  const subscribed = new Promise<void>((resolve) => (opened = resolve));
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: subscribed')) opened();
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data && block.includes('event: order-status')) {
            listener.received.push(JSON.parse(data) as PushEvent);
            onEvent();
          }
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  await subscribed;
  return listener;
};

const longPoll: Transport = async (customer, onEvent) => {
  const headers = { authorization: `Bearer ${tokenFor(customer)}` };
  let stopped = false;
  const abort = new AbortController();
  const listener: Listener = { received: [], requests: 0, stop: () => ((stopped = true), abort.abort()) };
  const first = await fetch(`${base}/poll?waitMs=0`, { headers });
  listener.requests++;
  let last = ((await first.json()) as { last: number }).last;
  void (async () => {
    while (!stopped) {
      try {
        const response = await fetch(`${base}/poll?after=${last}&waitMs=20000`, { headers, signal: abort.signal });
        listener.requests++;
        const page = (await response.json()) as { events: PushEvent[]; last: number };
        last = page.last;
        for (const event of page.events) {
          listener.received.push(event);
          onEvent();
        }
      } catch {
        return;
      }
    }
  })();
  return listener;
};

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 1));
}

async function measure(name: string, transport: Transport) {
  const run = randomUUID().slice(0, 8);
  // Latency: one event at a time, append → arrival.
  let arrived = 0;
  const solo = await transport(`${name}-${run}-solo`, () => arrived++);
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await inject(base, [orderEvent(`${name}-${run}-solo`, `o-${i}`)]);
    await waitFor(() => arrived > i);
    latencies.push(performance.now() - started);
  }
  solo.stop();
  latencies.sort((a, b) => a - b);

  // Throughput: many clients, a burst of events spread over them.
  let delivered = 0;
  const crowd = await Promise.all(
    Array.from({ length: clients }, (_, i) => transport(`${name}-${run}-${i}`, () => delivered++)),
  );
  const burst = Array.from({ length: events }, (_, i) => orderEvent(`${name}-${run}-${i % clients}`, `b-${i}`));
  const started = performance.now();
  await inject(base, burst);
  await waitFor(() => delivered >= events);
  const seconds = (performance.now() - started) / 1000;
  const requests = crowd.reduce((sum, l) => sum + l.requests, 0);
  for (const listener of crowd) listener.stop();
  return {
    transport: name,
    p50: latencies[Math.floor(latencies.length * 0.5)]!,
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
    rate: events / seconds,
    connections: clients,
    requests,
  };
}

const rows = [];
for (const [name, transport] of [
  ['WebSocket', websocket],
  ['SSE', sse],
  ['long-poll', longPoll],
] as const) {
  rows.push(await measure(name, transport));
}
console.log(`${samples} sequential events for latency; ${events} events to ${clients} clients for throughput`);
console.log('transport   p50 ms   p99 ms   events/s   connections held   requests');
for (const r of rows) {
  console.log(
    `${r.transport.padEnd(10)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(8)} ${Math.round(r.rate).toString().padStart(10)} ${String(r.connections).padStart(18)} ${String(r.requests).padStart(10)}`,
  );
}
