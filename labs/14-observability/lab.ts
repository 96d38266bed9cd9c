import { defineLab } from '@commlab/lab';

// Chapter 14: lab 01's order flow — REST → gRPC → outbox → RabbitMQ → notification → WebSocket —
// observed. The services are unchanged: a preload (NODE_OPTIONS --import) starts OpenTelemetry in
// each process before its own code, sends the spans to Zipkin and serves RED metrics on a port
// of its own that Prometheus scrapes (prometheus/). Leave NODE_OPTIONS out, and no service
// loads any of it.
const telemetry = (metricsPort: number) => ({
  extraPorts: { metrics: { port: metricsPort, env: 'OTEL_EXPORTER_PROMETHEUS_PORT' } },
  env: {
    NODE_OPTIONS: '--import ./packages/telemetry/src/register.ts',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: '${zipkin.url}/api/v2/spans',
  },
});

export default defineLab({
  eventBus: 'rabbitmq',
  services: {
    inventory: telemetry(9465),
    order: { ...telemetry(9464), env: { ...telemetry(9464).env, INVENTORY_ADDR: '${inventory.addr}' } },
    notification: telemetry(9466),
  },
  brokers: ['prometheus'],
  links: [
    { label: 'Orders API', url: '${order.url}/orders' },
    { label: 'Order traces (Zipkin)', url: '${zipkin.url}/zipkin/?serviceName=order' },
    { label: 'Order metrics', url: 'http://${order.metrics.addr}/metrics' },
  ],
});
