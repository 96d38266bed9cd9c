import { defineLab } from '@commlab/lab-runner/define';

// What the experiments measure: the order API (REST, SQLite) and inventory serving its
// contract three ways (gRPC, Thrift, REST/JSON), unchanged from the other labs; and the brokers
// and cache the messaging, batching and caching experiments use. `pnpm lab bench <experiment>`
// starts its own copy of this topology on free ports (or measures this one with --running), and
// the bare baselines beside it.
export default defineLab({
  id: '10-performance',
  infra: ['kafka', 'rabbitmq', 'redis'],
  services: {
    inventory: {
      service: 'inventory',
      port: 50051,
      health: 'grpc',
      memory: '192m',
      extraPorts: { thrift: { port: 50052, env: 'THRIFT_PORT' }, rest: { port: 50053, env: 'HTTP_PORT' } },
    },
    order: {
      service: 'order',
      port: 3000,
      health: 'http',
      memory: '192m',
      env: { INVENTORY_ADDR: '${inventory.addr}' },
    },
  },
  links: [
    { label: 'Orders API', url: '${order.url}/orders' },
    { label: 'Inventory gRPC', url: '${inventory.addr}' },
    { label: 'Inventory Thrift', url: '${inventory.thrift.addr}' },
    { label: 'Inventory REST', url: '${inventory.rest.url}/stock' },
    { label: 'Redis', url: '${redis.url}' },
  ],
  commands: [{ label: 'Run an experiment (list them with no name)', command: 'pnpm lab bench latency' }],
});
