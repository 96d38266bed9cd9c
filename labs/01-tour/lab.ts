import { defineLab } from '@commlab/lab';

// One order end to end: REST → gRPC (order reserves stock in inventory) → RabbitMQ (order's
// events, published from its outbox) → WebSocket (notification pushes them to the browser),
// drawn live by the lab console. Ports, probes, memory and the broker settings come from each
// service's own defaults (its package.json "lab"); this lists what the tour wires together.
export default defineLab({
  eventBus: 'rabbitmq',
  services: {
    inventory: {},
    order: { env: { INVENTORY_ADDR: '${inventory.addr}' } },
    notification: {},
  },
  links: [
    { label: 'Orders API', url: '${order.url}/orders' },
    { label: 'API docs (OpenAPI)', url: '${order.url}/docs' },
    { label: 'Inventory (gRPC)', url: '${inventory.addr}' },
    { label: 'Notifications', url: '${notification.url}/notifications' },
  ],
});
