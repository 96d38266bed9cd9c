import { defineLab } from '@commlab/lab-runner/define';

// The same checkout twice, side by side. order-sync reserves stock in inventory over gRPC
// before it answers; order-async stores the order pending, answers 202, and lets inventory
// answer by event over RabbitMQ. Same service code: only CHECKOUT_MODE differs.
//
// The events' broker is this lab's switch: `EVENT_BUS=kafka ./lab up 02-sync-vs-async` runs
// the same services over Kafka (the services pick the adapter from EVENT_BUS). The generated
// Compose files stay on RabbitMQ: generate them without EVENT_BUS set.
const buses = {
  rabbitmq: {
    infra: 'rabbitmq',
    env: { EVENT_BUS: 'rabbitmq', AMQP_URL: '${rabbitmq.url}' },
    link: { label: 'RabbitMQ', url: '${rabbitmq.url}' },
  },
  kafka: {
    infra: 'kafka',
    env: { EVENT_BUS: 'kafka', KAFKA_BROKERS: '${kafka.brokers}' },
    link: { label: 'Kafka (bootstrap)', url: '${kafka.brokers}' },
  },
} as const;
const chosen = process.env.EVENT_BUS === 'kafka' ? buses.kafka : buses.rabbitmq;
const bus = chosen.env;

export default defineLab({
  id: '02-sync-vs-async',
  infra: [chosen.infra],
  services: {
    inventory: { service: 'inventory', port: 50051, health: 'grpc', memory: '160m', env: bus },
    'order-sync': {
      service: 'order',
      port: 3000,
      health: 'http',
      memory: '192m',
      env: { CHECKOUT_MODE: 'sync', INVENTORY_ADDR: '${inventory.addr}', ...bus },
    },
    'order-async': {
      service: 'order',
      port: 3002,
      health: 'http',
      memory: '192m',
      env: { CHECKOUT_MODE: 'async', ...bus },
    },
    notification: { service: 'notification', port: 3001, health: 'http', memory: '128m', env: bus },
  },
  links: [
    { label: 'Orders, sync checkout', url: '${order-sync.url}/orders' },
    { label: 'Orders, async checkout', url: '${order-async.url}/orders' },
    { label: 'Notifications', url: '${notification.url}/notifications' },
    chosen.link,
  ],
});
