import { describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { newTraceparent, traceOf, type ZipkinSpan } from './zipkin.ts';

describe('lab 14-observability over Kafka: the same order is the same one trace', () => {
  const lab = labForThisFile('14-observability', { connect: () => undefined, eventBus: 'kafka' });

  it('carries the trace through Kafka headers from the outbox to notification', async () => {
    const caller = newTraceparent();
    const placed = await fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({ customerId: 'kafka-reader', lines: [{ sku: 'KB-001', quantity: 1 }] }),
    });
    expect(placed.status).toBe(201);

    let spans: ZipkinSpan[] = [];
    await expect
      .poll(
        async () => {
          spans = await traceOf(lab.resolve('${zipkin.url}'), caller.traceId);
          // Each service sends its spans in batches of its own: wait for both sides of both events.
          const count = (service: string, kind: ZipkinSpan['kind']) =>
            spans.filter((s) => s.localEndpoint.serviceName === service && s.kind === kind).length;
          return (
            count('notification', 'CONSUMER') === 2 &&
            count('order', 'PRODUCER') === 2 &&
            count('order', 'SERVER') === 1
          );
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBe(true);
    const post = spans.find((s) => s.localEndpoint.serviceName === 'order' && s.kind === 'SERVER');
    expect(post?.parentId).toBe(caller.spanId);
    const sends = spans.filter((s) => s.kind === 'PRODUCER' && s.localEndpoint.serviceName === 'order');
    expect(sends).toHaveLength(2);
    for (const send of sends) {
      expect(send.parentId).toBe(post!.id);
      expect(send.tags).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.kafka.message.key': expect.any(String),
      });
    }
    const processed = spans.filter((s) => s.localEndpoint.serviceName === 'notification' && s.kind === 'CONSUMER');
    expect(processed.map((p) => p.parentId).sort()).toEqual(sends.map((s) => s.id).sort());
    expect(processed[0]!.tags).toMatchObject({ 'messaging.system': 'kafka' });
  });
});
