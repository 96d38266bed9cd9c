import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { startPrometheus, type RunPrometheus } from './prometheus.ts';
import { newTraceparent, traceOf, type ZipkinSpan } from './zipkin.ts';

// Drill 1 of the guide: orders got slow. Inventory waits 600 ms before each reservation
// (RESERVE_DELAY_MS, the dial lab 04 uses); order's latency budget is 500 ms (rules.yml).
describe('lab 14-observability drill: a slow dependency', () => {
  const lab = labForThisFile('14-observability', {
    connect: () => undefined,
    env: { inventory: { RESERVE_DELAY_MS: '600' } },
  });
  let prometheus: RunPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({ order: lab.addr('order.metrics'), inventory: lab.addr('inventory.metrics') });
  });
  afterAll(() => prometheus?.stop());

  const place = (headers: Record<string, string> = {}) =>
    fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ customerId: 'drill-slow', lines: [{ sku: 'KB-001', quantity: 1 }] }),
    });

  it('fires SlowP99 for order, and the trace puts the time in inventory', async () => {
    // Orders keep coming while Prometheus watches, as they would in production.
    const firing = async () =>
      (await prometheus.alerts()).some(
        (a) => a.labels.alertname === 'SlowP99' && a.labels.job === 'order' && a.state === 'firing',
      );
    const until = Date.now() + 40_000;
    while (!(await firing())) {
      if (Date.now() > until) throw new Error('SlowP99 never fired for order');
      expect((await place()).status).toBe(201);
    }
    expect(await prometheus.value('service:http_server_request_duration:p99_1m{job="order"}')).toBeGreaterThan(0.5);

    const caller = newTraceparent();
    expect((await place({ traceparent: caller.traceparent })).status).toBe(201);
    // Each service sends its spans in its own batches: wait for both ends of the request.
    let spans: ZipkinSpan[] = [];
    const server = (service: string) =>
      spans.find((s) => s.localEndpoint.serviceName === service && s.kind === 'SERVER');
    await expect
      .poll(
        async () => {
          spans = await traceOf(lab.resolve('${zipkin.url}'), caller.traceId);
          return Boolean(server('order') && server('inventory'));
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    const post = server('order')!;
    const reserve = server('inventory')!;
    // Zipkin durations are in microseconds: inventory's own span holds most of the request.
    expect(reserve.duration!).toBeGreaterThanOrEqual(600_000);
    expect(reserve.duration! / post.duration!).toBeGreaterThan(0.5);
  });
});
