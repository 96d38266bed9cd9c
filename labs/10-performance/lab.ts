import { defineLab } from '@commlab/lab';

// What the experiments measure: the order API (REST, SQLite) and inventory serving its
// contract three ways (gRPC, Thrift, REST/JSON), unchanged from the other labs; and the brokers
// and cache the messaging, batching and caching experiments use, which no service setting names.
// `pnpm lab bench <experiment>` starts its own copy of the services it measures on free ports
// (without the console, so nothing reports edges while it measures), or measures this one with
// --running.
export default defineLab({
  brokers: ['kafka', 'rabbitmq', 'redis'],
  services: {
    inventory: {
      memory: '192m',
      extraPorts: { thrift: { port: 50052, env: 'THRIFT_PORT' }, rest: { port: 50053, env: 'HTTP_PORT' } },
    },
    order: { env: { INVENTORY_ADDR: '${inventory.addr}' } },
  },
  links: [
    { label: 'Orders API', url: '${order.url}/orders' },
    { label: 'Inventory gRPC', url: '${inventory.addr}' },
    { label: 'Inventory Thrift', url: '${inventory.thrift.addr}' },
    { label: 'Inventory REST', url: '${inventory.rest.url}/stock' },
  ],
  commands: [{ label: 'Run an experiment (list them with no name)', command: 'pnpm lab bench latency' }],
});
