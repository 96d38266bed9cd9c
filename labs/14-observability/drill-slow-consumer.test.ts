import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labForThisFile } from '@commlab/lab/testing';
import { panelQuery } from './dashboard.ts';
import { startPrometheus, type RunPrometheus } from './prometheus.ts';

// Drill 4 of the guide: a slow consumer. Notification waits 250 ms before it handles each order
// event (NOTIFY_DELAY_MS); orders keep coming faster than that, on each bus in turn. The backlog
// is measured by notification itself, from the broker (packages/events/src/backlog.ts).
const slowNotification = { notification: { NOTIFY_DELAY_MS: '250' } };

describe.each([
  {
    bus: 'rabbitmq' as const,
    alert: 'QueueBacklogGrowing',
    backlog: (ns: string) => `queue:rabbitmq_queue_messages:sum{queue="${ns}.notification.order-events"}`,
    labels: (ns: string) => ({ queue: `${ns}.notification.order-events` }),
    panel: 'RabbitMQ queue depth (ready + unacked)',
  },
  {
    bus: 'kafka' as const,
    alert: 'ConsumerLagGrowing',
    backlog: (ns: string) =>
      `group_topic:kafka_consumergroup_lag:sum{consumergroup="${ns}.notification.order-events",topic="${ns}.order"}`,
    labels: (ns: string) => ({ consumergroup: `${ns}.notification.order-events`, topic: `${ns}.order` }),
    panel: 'Kafka consumer lag',
  },
])('lab 14-observability drill: a slow consumer over $bus', ({ bus, alert, backlog, labels, panel }) => {
  const lab = labForThisFile('14-observability', { connect: () => undefined, eventBus: bus, env: slowNotification });
  let prometheus: RunPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({
      order: lab.addr('order.metrics'),
      notification: lab.addr('notification.metrics'),
    });
  });
  afterAll(() => prometheus?.stop());

  // An order placed and cancelled: three events for notification (placed, confirmed,
  // cancelled), and its stock back in inventory (released by event), however many orders come.
  // Round the catalogue: a busy machine's inventory may release a few dozen cancellations late,
  // more than one product's stock.
  const skus = ['KB-001', 'MS-002', 'MN-003', 'HD-004', 'WC-005', 'DK-006'];
  let placedSoFar = 0;
  const placeAndCancel = async () => {
    const sku = skus[placedSoFar++ % skus.length];
    const placed = await fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'drill-slow-consumer', lines: [{ sku, quantity: 1 }] }),
    });
    expect(placed.status).toBe(201);
    const { id } = (await placed.json()) as { id: string };
    expect((await fetch(`${lab.url('order')}/orders/${id}/cancel`, { method: 'POST' })).status).toBe(200);
  };

  it(`shows the backlog growing in Prometheus and fires ${alert}; the consumer is slow, not stuck`, async () => {
    const ns = lab.env('notification').EVENT_NAMESPACE!;
    const query = backlog(ns);
    // Notification reports its backlog from the start: empty before the first order.
    await expect.poll(() => prometheus.value(query), { timeout: 20_000, interval: 300 }).toBe(0);

    // Orders keep coming while Prometheus watches.
    const firing = async () =>
      (await prometheus.alerts()).some(
        (a) =>
          a.labels.alertname === alert &&
          a.state === 'firing' &&
          Object.entries(labels(ns)).every(([key, value]) => a.labels[key] === value),
      );
    const seen: number[] = [];
    const until = Date.now() + 60_000;
    while (!(await firing())) {
      if (Date.now() > until) throw new Error(`${alert} never fired; backlog seen: ${seen.join(', ')}`);
      await placeAndCancel();
      // Thirty events a second at most: far more than notification's four, and few enough for
      // order's outbox relay to keep up, so the backlog is notification's and stops growing
      // when the orders stop (a flood left the relay publishing for a minute after).
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await prometheus.value(query);
      if (now !== undefined && now !== seen.at(-1)) seen.push(now);
    }
    // The Grafana dashboard (Compose) shows it too: its backlog panel for this bus has the
    // queue or group, its alert list the firing alert, and its count of firing alerts is not 0.
    expect(await prometheus.series(panelQuery(panel))).toContainEqual(
      expect.objectContaining({ metric: expect.objectContaining(labels(ns)) }),
    );
    expect(await prometheus.series(panelQuery('Alerts pending and firing'))).toContainEqual(
      expect.objectContaining({
        metric: expect.objectContaining({ alertname: alert, alertstate: 'firing', ...labels(ns) }),
      }),
    );
    expect(await prometheus.value(panelQuery('Alerts firing'))).toBeGreaterThanOrEqual(1);

    // It grew while orders came: past the alert's threshold, from less.
    const peak = Math.max(...seen);
    expect(peak).toBeGreaterThan(20);
    expect(seen.findIndex((n) => n > 0)).toBeLessThan(seen.indexOf(peak));

    // The root cause in the same Prometheus: notification takes 250 ms and more per event, and
    // handles fewer events per second than order sends.
    const mean = `sum(rate(messaging_process_duration_sum{job="notification"}[1m])) / sum(rate(messaging_process_duration_count{job="notification"}[1m]))`;
    expect(await prometheus.value(mean)).toBeGreaterThanOrEqual(0.25);
    const sent = await prometheus.value('sum(service:messaging_sent:rate1m{job="order"})');
    const handled = await prometheus.value('sum(service:messaging_processed:rate1m{job="notification"})');
    expect(sent).toBeGreaterThan(handled!);
    if (bus === 'rabbitmq') {
      // One delivery in hand at a time (prefetch 1): the rest waits in the queue, ready.
      const queue = labels(ns).queue;
      await expect.poll(() => prometheus.value(`sum(rabbitmq_queue_messages_unacked{queue="${queue}"})`)).toBe(1);
      expect(await prometheus.value(`sum(rabbitmq_queue_consumers{queue="${queue}"})`)).toBe(1);
    }

    // Slow, not stuck: once orders stop, the backlog shrinks (a stopped consumer's would not).
    const last = (await prometheus.value(query))!;
    await expect.poll(() => prometheus.value(query), { timeout: 30_000, interval: 500 }).toBeLessThan(last);
  }, 150_000); // each wait has its own deadline; together they outlast the default 30 s on a busy machine
});
