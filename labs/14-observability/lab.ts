import { defineLab } from '@commlab/lab';

// Chapter 14: lab 01's order flow — REST → gRPC → outbox → RabbitMQ → notification → WebSocket —
// observed. The services are unchanged: a preload (NODE_OPTIONS --import) starts OpenTelemetry in
// each process before its own code, sends the spans to Zipkin and serves RED metrics on a port
// of its own that Prometheus scrapes (prometheus/). Leave NODE_OPTIONS out, and no service
// loads any of it.
// The SDK and its instrumentations add about 30 MiB to a service (inventory: 136 → 166 MiB RSS
// here), so each traced service gets 64 MiB more than its own Compose limit.
const traced = (metricsPort: number, memory: string, env: Record<string, string> = {}) => ({
  memory,
  extraPorts: { metrics: { port: metricsPort, env: 'OTEL_EXPORTER_PROMETHEUS_PORT' } },
  env: {
    NODE_OPTIONS: '--import ./packages/telemetry/src/register.ts',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: '${zipkin.url}/api/v2/spans',
    ...env,
  },
});

// Natively the dashboard is Prometheus' own graph page: these queries, one graph each, over the
// last 15 minutes. Each is a query of the Grafana dashboard (grafana/), which a test checks.
const graphs = (...queries: string[]) =>
  '${prometheus.url}/graph?' +
  queries.map((q, i) => `g${i}.expr=${encodeURIComponent(q)}&g${i}.tab=0&g${i}.range_input=15m`).join('&');

export default defineLab({
  eventBus: 'rabbitmq',
  services: {
    inventory: traced(9465, '224m'),
    order: traced(9464, '256m', { INVENTORY_ADDR: '${inventory.addr}' }),
    notification: traced(9466, '192m'),
    // The console is not traced; it finds each order's trace in Zipkin for the page's link.
    console: { env: { ZIPKIN_URL: '${zipkin.url}' } },
  },
  brokers: ['prometheus'],
  // Under Compose, Grafana on port 3030 with grafana/dashboards/red-and-backlog.json.
  grafana: { home: 'red-and-backlog.json' },
  links: [
    { label: 'Orders API', url: '${order.url}/orders' },
    { label: 'Order traces (Zipkin)', url: '${zipkin.url}/zipkin/?serviceName=order' },
    { label: 'Order metrics', url: 'http://${order.metrics.addr}/metrics' },
    {
      label: 'REST rate & p99 graphs',
      url: graphs('service:http_server_requests:rate1m', 'service:http_server_request_duration:p99_1m'),
    },
    {
      label: 'Consumer graphs',
      url: graphs(
        'service:messaging_processed:rate1m',
        'queue:rabbitmq_queue_messages:sum',
        'group_topic:kafka_consumergroup_lag:sum',
      ),
    },
  ],
});
