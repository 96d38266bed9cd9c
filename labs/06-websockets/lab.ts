import { defineLab } from '@commlab/lab-runner/define';

// Chapter 6: the notification service pushes order status changes to browsers over
// WebSockets (and, to compare, Server-Sent Events and long-polling). The broker leg is
// chapter 5's; here PUSH_INJECT=true lets you (and the tests) append order events by hand.
/** Signs the lab's bearer tokens (the guide's listen.ts and the tests sign with it too). */
export const pushSecret = 'commlab-lab-06-secret';

export default defineLab({
  id: '06-websockets',
  infra: [],
  services: {
    inventory: { service: 'inventory', port: 50051, health: 'grpc', memory: '160m' },
    order: {
      service: 'order',
      port: 3000,
      health: 'http',
      memory: '192m',
      env: { INVENTORY_ADDR: '${inventory.addr}' },
    },
    notification: {
      service: 'notification',
      port: 3001,
      health: 'http',
      memory: '128m',
      env: {
        PUSH_INJECT: 'true',
        PUSH_TOKEN_SECRET: pushSecret,
        PUSH_ALLOWED_ORIGINS: 'http://127.0.0.1:${console.port},http://localhost:${console.port}',
        PUSH_HEARTBEAT_MS: '10000',
        PUSH_MAX_BUFFERED_BYTES: '262144',
      },
    },
  },
  console: {
    port: 3080,
    env: {
      LAB_ID: '06-websockets',
      ORDER_URL: '${order.url}',
      NOTIFICATION_PORT: '${notification.port}',
      PUSH_TOKEN_SECRET: pushSecret,
    },
  },
  links: [
    { label: 'WebSocket push', url: 'ws://${notification.addr}/ws' },
    { label: 'Server-Sent Events', url: '${notification.url}/sse' },
    { label: 'Long-polling', url: '${notification.url}/poll' },
    { label: 'Orders API', url: '${order.url}/orders' },
  ],
});
