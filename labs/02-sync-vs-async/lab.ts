import { defineLab } from '@commlab/lab';

// The same checkout twice, side by side. order-sync reserves stock in inventory over gRPC
// before it answers; order-async stores the order pending, answers 202, and lets inventory
// answer by event. Same service code: only CHECKOUT_MODE differs.
//
// The events' broker is this lab's switch: RabbitMQ here, and `EVENT_BUS=kafka ./lab up
// 02-sync-vs-async` runs the same services over Kafka (each service's defaults say what it
// needs for either broker). The generated Compose files stay on RabbitMQ.
export default defineLab({
  eventBus: 'rabbitmq',
  services: {
    inventory: {},
    'order-sync': { service: 'order', env: { CHECKOUT_MODE: 'sync', INVENTORY_ADDR: '${inventory.addr}' } },
    'order-async': { service: 'order', port: 3002, env: { CHECKOUT_MODE: 'async' } },
    notification: {},
  },
  links: [
    { label: 'Orders, sync checkout', url: '${order-sync.url}/orders' },
    { label: 'Orders, async checkout', url: '${order-async.url}/orders' },
    { label: 'Notifications', url: '${notification.url}/notifications' },
  ],
});
