import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { startPrometheus, type RunPrometheus } from './prometheus.ts';
import { newTraceparent, traceOf, type ZipkinSpan } from './zipkin.ts';

// Drills 2 and 3 of the guide: a message no consumer can ever handle, and a consumer that stops.
describe('lab 14-observability drills: the consumer side', () => {
  const lab = labForThisFile('14-observability', { connect: () => undefined });
  let prometheus: RunPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({ notification: lab.addr('notification.metrics') });
  });
  afterAll(() => prometheus?.stop());

  it('shows a poison message as a failed process span and an error.type on messaging.process.duration', async () => {
    const { AMQP_URL, EVENT_NAMESPACE } = lab.env('order');
    const connection = await amqp.connect(AMQP_URL!);
    const channel = await connection.createConfirmChannel();
    const caller = newTraceparent();
    // Well-formed CloudEvents attributes, a type notification handles, data that breaks its contract.
    channel.publish(`${EVENT_NAMESPACE}.events`, 'commlab.order.placed.v1', Buffer.from('{"orderId":42}'), {
      contentType: 'application/json',
      persistent: true,
      headers: {
        cloudEvents_specversion: '1.0',
        cloudEvents_id: randomUUID(),
        cloudEvents_source: '/drill',
        cloudEvents_type: 'commlab.order.placed.v1',
        cloudEvents_subject: 'drill-poison',
        cloudEvents_time: new Date().toISOString(),
        cloudEvents_traceparent: caller.traceparent,
        traceparent: caller.traceparent,
      },
    });
    await channel.waitForConfirms();
    await connection.close();

    await expect
      .poll(
        () =>
          prometheus.value('sum(messaging_process_duration_count{job="notification",error_type="PoisonEventError"})'),
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    // Both consumers of order.placed refuse it at once (dead-lettered, never retried): one
    // failed process span each, children of the span that published it.
    let spans: ZipkinSpan[] = [];
    await expect
      .poll(async () => (spans = await traceOf(lab.resolve('${zipkin.url}'), caller.traceId)).length, {
        timeout: 15_000,
      })
      .toBe(2);
    expect(spans.map((s) => s.localEndpoint.serviceName).sort()).toEqual(['inventory', 'notification']);
    for (const span of spans) {
      expect(span).toMatchObject({
        kind: 'CONSUMER',
        parentId: caller.spanId,
        tags: { 'error.type': 'PoisonEventError' },
      });
      expect(span.tags?.error).toMatch(/data\.customerId is missing/);
    }
  });

  it('fires TargetDown when notification stops answering, and its traces end at the send', async () => {
    await lab.pauseService('notification');
    try {
      await expect
        .poll(
          async () =>
            (await prometheus.alerts()).some(
              (a) => a.labels.alertname === 'TargetDown' && a.labels.job === 'notification' && a.state === 'firing',
            ),
          { timeout: 30_000, interval: 500 },
        )
        .toBe(true);
      const caller = newTraceparent();
      const placed = await fetch(`${lab.url('order')}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
        body: JSON.stringify({ customerId: 'drill-down', lines: [{ sku: 'KB-001', quantity: 1 }] }),
      });
      expect(placed.status).toBe(201);
      let spans: ZipkinSpan[] = [];
      await expect
        .poll(
          async () =>
            (spans = await traceOf(lab.resolve('${zipkin.url}'), caller.traceId)).filter((s) => s.kind === 'PRODUCER')
              .length,
          { timeout: 15_000 },
        )
        .toBe(2);
      expect(spans.filter((s) => s.localEndpoint.serviceName === 'notification')).toHaveLength(0);
    } finally {
      await lab.resumeService('notification');
    }
  });
});
