import { defineLab } from '@commlab/lab';

// One inventory serving its contract three ways (gRPC, Thrift, REST/JSON), and the same order
// service three times, each configured to call inventory over one of them. Nothing but
// INVENTORY_TRANSPORT (and the address it needs) differs between the three orders.
export default defineLab({
  services: {
    inventory: {
      memory: '192m',
      extraPorts: { thrift: { port: 50052, env: 'THRIFT_PORT' }, rest: { port: 50053, env: 'HTTP_PORT' } },
    },
    order: { env: { INVENTORY_TRANSPORT: 'grpc', INVENTORY_ADDR: '${inventory.addr}' } },
    'order-thrift': {
      service: 'order',
      port: 3010,
      env: { INVENTORY_TRANSPORT: 'thrift', INVENTORY_THRIFT_ADDR: '${inventory.thrift.addr}' },
    },
    'order-rest': {
      service: 'order',
      port: 3020,
      env: { INVENTORY_TRANSPORT: 'rest', INVENTORY_URL: '${inventory.rest.url}' },
    },
  },
  links: [
    { label: 'Orders via gRPC', url: '${order.url}/orders' },
    { label: 'Orders via Thrift', url: '${order-thrift.url}/orders' },
    { label: 'Orders via REST', url: '${order-rest.url}/orders' },
    { label: 'Inventory gRPC', url: '${inventory.addr}' },
    { label: 'Inventory Thrift', url: '${inventory.thrift.addr}' },
    { label: 'Inventory REST', url: '${inventory.rest.url}/stock' },
  ],
});
