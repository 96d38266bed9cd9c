/**
 * Prints the trace of a customer's latest order as a tree, from the Zipkin HTTP API:
 *
 *   node labs/14-observability/trace.ts guide-reader [--order localhost:3000] [--zipkin localhost:9411]
 *
 * It asks the order service for the customer's newest order, then Zipkin for the trace whose
 * spans carry that order id (each event's send and process spans are tagged with it).
 */
import { parseArgs } from 'node:util';
import type { ZipkinSpan } from './zipkin.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    order: { type: 'string', default: 'localhost:3000' },
    zipkin: { type: 'string', default: 'localhost:9411' },
  },
});
const url = (address: string) => (address.includes('://') ? address : `http://${address}`);
const orderUrl = url(values.order);
const zipkinUrl = url(values.zipkin);
const customer = positionals[0];
if (!customer) {
  console.error('usage: node labs/14-observability/trace.ts <customerId> [--order host:port] [--zipkin host:port]');
  process.exit(2);
}

const listed = await fetch(`${orderUrl}/orders?customerId=${encodeURIComponent(customer)}&limit=100`);
if (!listed.ok) throw new Error(`GET /orders answered ${listed.status}`);
const orders = ((await listed.json()) as { items: { id: string; createdAt: string }[] }).items;
const newest = orders.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
if (!newest) {
  console.error(`no order of ${customer} yet: place one first`);
  process.exit(1);
}

const query = new URLSearchParams({ annotationQuery: `cloudevents.event_subject=${newest.id}`, limit: '1' });
const found = (await (await fetch(`${zipkinUrl}/api/v2/traces?${query}`)).json()) as ZipkinSpan[][];
const spans = found[0];
if (!spans) {
  console.error(`Zipkin holds no trace of order ${newest.id} (yet)`);
  process.exit(1);
}

const children = new Map<string | undefined, ZipkinSpan[]>();
const ids = new Set(spans.map((s) => s.id));
for (const span of spans) {
  const parent = span.parentId && ids.has(span.parentId) ? span.parentId : undefined;
  children.set(parent, [...(children.get(parent) ?? []), span]);
}
// Siblings in time order; consumers of one message by service, as they run side by side.
const order = (a: ZipkinSpan, b: ZipkinSpan) =>
  a.kind === 'CONSUMER' && b.kind === 'CONSUMER'
    ? a.localEndpoint.serviceName.localeCompare(b.localEndpoint.serviceName)
    : a.timestamp - b.timestamp;

console.log(`trace ${spans[0]!.traceId} of order ${newest.id}: ${spans.length} spans`);
const print = (span: ZipkinSpan, depth: number) => {
  const event = span.tags?.['cloudevents.event_type'];
  const label = `${'  '.repeat(depth)}${span.localEndpoint.serviceName}`;
  console.log(`${label.padEnd(26)} ${(span.kind ?? '').padEnd(9)} ${span.name}${event ? ` (${event})` : ''}`);
  for (const child of (children.get(span.id) ?? []).sort(order)) print(child, depth + 1);
};
for (const root of (children.get(undefined) ?? []).sort(order)) print(root, 0);
console.log(`${zipkinUrl}/zipkin/traces/${spans[0]!.traceId}`);
