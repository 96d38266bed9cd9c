import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { dashboard, panelQuery } from './dashboard.ts';
import { startPrometheus, type RunPrometheus } from './prometheus.ts';

describe('lab 14-observability: RED metrics in a real Prometheus', () => {
  const lab = labForThisFile('14-observability', { connect: () => undefined });
  let prometheus: RunPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({
      order: lab.addr('order.metrics'),
      inventory: lab.addr('inventory.metrics'),
      notification: lab.addr('notification.metrics'),
    });
  });
  afterAll(() => prometheus?.stop());

  // Orders created in this file's lab (201 Created), whichever test placed them.
  let created = 0;
  const place = async (sku: string, quantity: number) => {
    const response = await fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'metrics-reader', lines: [{ sku, quantity }] }),
    });
    if (response.status === 201) created++;
    return response;
  };

  it('counts requests, gRPC calls and messages under their semantic-convention names, per edge', async () => {
    for (let i = 0; i < 5; i++) expect((await place('KB-001', 1)).status).toBe(201);
    expect((await place('SP-010', 999)).status).toBe(409);

    const eventually = (query: string, expected: number) =>
      expect.poll(() => prometheus.value(query), { timeout: 20_000, interval: 500 }).toBe(expected);
    // REST: five orders placed, one refused (the status code is a label).
    await eventually(
      'sum(http_server_request_duration_count{job="order",http_request_method="POST",http_response_status_code="201"})',
      5,
    );
    await eventually(
      'sum(http_server_request_duration_count{job="order",http_request_method="POST",http_response_status_code="409"})',
      1,
    );
    // gRPC: six reservations, as inventory (the server) and order (the client) see them.
    await eventually('sum(rpc_server_call_duration_count{job="inventory",rpc_method="Reserve"})', 6);
    await eventually('sum(rpc_client_call_duration_count{job="order",rpc_method="Reserve"})', 6);
    // Messages: placed + confirmed for each stored order, sent by order and processed by notification.
    await eventually('sum(messaging_client_operation_duration_count{job="order",messaging_system="rabbitmq"})', 10);
    await eventually('sum(messaging_process_duration_count{job="notification",messaging_system="rabbitmq"})', 10);
  });

  it("evaluates the lab's recording rules over the scraped series", async () => {
    // A rate needs an increase between two scrapes of a series Prometheus already knows.
    expect((await place('KB-001', 1)).status).toBe(201);
    await expect
      .poll(() => prometheus.value('sum(service:http_server_requests:rate1m{job="order"})'), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(() => prometheus.value('sum(service:messaging_processed:rate1m{job="notification"})'), { timeout: 20_000 })
      .toBeGreaterThan(0);
  });

  // Panels that show something only while a problem lasts: drill-slow-consumer.test.ts checks
  // them while it does (the Kafka lag over Kafka, the alert in the list).
  const shownInDrills = ['Alerts pending and firing', 'Kafka consumer lag'];

  it('answers every query of the Grafana dashboard with a series, and its order count counts the orders', async () => {
    for (let i = 0; i < 3; i++) expect((await place('KB-001', 1)).status).toBe(201);
    const titles = new Set(dashboard.queries.map((query) => query.panel));
    for (const title of shownInDrills) expect(titles).toContain(title);

    await expect
      .poll(() => prometheus.value(panelQuery('Orders placed')), { timeout: 20_000, interval: 500 })
      .toBe(created);
    for (const query of dashboard.queries.filter((q) => !shownInDrills.includes(q.panel))) {
      await expect
        .poll(async () => (await prometheus.series(query.expr)).length, {
          timeout: 20_000,
          interval: 500,
          message: `panel "${query.panel}" ${query.refId}: ${query.expr}`,
        })
        .toBeGreaterThan(0);
    }
    // The rate panel has order's POST /orders; nothing is wrong, so no alert fires or waits.
    const rates = await prometheus.series(panelQuery('REST requests per second'));
    expect(rates).toContainEqual(
      expect.objectContaining({
        metric: expect.objectContaining({ job: 'order', http_request_method: 'POST', http_route: '/orders' }),
      }),
    );
    expect(rates.find((s) => s.metric.job === 'order' && s.metric.http_route === '/orders')!.value[1]).not.toBe('0');
    expect(await prometheus.value(panelQuery('Alerts firing'))).toBe(0);
    expect(await prometheus.series(panelQuery('Alerts pending and firing'))).toEqual([]);
  });
});
