import { defineLab } from '@commlab/lab-runner/define';

// One order end to end: REST → gRPC (order reserves stock in inventory) → RabbitMQ (order's
// events, published from its outbox) → WebSocket (notification pushes them to the browser),
// drawn live by the lab console.
const bus = { EVENT_BUS: 'rabbitmq', AMQP_URL: '${rabbitmq.url}' };

export default defineLab({
  id: '01-tour',
  infra: ['rabbitmq'],
  services: {
    inventory: { service: 'inventory', port: 50051, health: 'grpc', memory: '160m', env: bus },
    order: {
      service: 'order',
      port: 3000,
      health: 'http',
      memory: '192m',
      env: { INVENTORY_ADDR: '${inventory.addr}', ...bus },
    },
    notification: {
      service: 'notification',
      port: 3001,
      health: 'http',
      memory: '128m',
      env: { PUSH_ALLOWED_ORIGINS: 'http://127.0.0.1:${console.port},http://localhost:${console.port}', ...bus },
    },
  },
  console: {
    port: 3080,
    env: { LAB_ID: '01-tour', ORDER_URL: '${order.url}', NOTIFICATION_PORT: '${notification.port}' },
  },
  links: [
    { label: 'Orders API', url: '${order.url}/orders' },
    { label: 'API docs (OpenAPI)', url: '${order.url}/docs' },
    { label: 'Inventory (gRPC)', url: '${inventory.addr}' },
    { label: 'Notifications', url: '${notification.url}/notifications' },
    { label: 'RabbitMQ', url: '${rabbitmq.url}' },
  ],
});
