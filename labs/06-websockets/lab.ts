import { defineLab } from '@commlab/lab';

// Chapter 6: the notification service pushes order status changes to browsers over
// WebSockets (and, to compare, Server-Sent Events and long-polling). The broker leg is
// chapter 5's; here PUSH_INJECT=true lets you (and the tests) append order events by hand.
/** Signs the lab's bearer tokens (the guide's listen.ts and the tests sign with it too). */
export const pushSecret = 'commlab-lab-06-secret';

export default defineLab({
  services: {
    inventory: {},
    order: { env: { INVENTORY_ADDR: '${inventory.addr}' } },
    notification: {
      env: {
        PUSH_INJECT: 'true',
        PUSH_TOKEN_SECRET: pushSecret,
        PUSH_HEARTBEAT_MS: '10000',
        PUSH_MAX_BUFFERED_BYTES: '262144',
      },
    },
    // The console signs the page's push tokens with the same secret.
    console: { env: { PUSH_TOKEN_SECRET: pushSecret } },
  },
  links: [
    { label: 'WebSocket push', url: 'ws://${notification.addr}/ws' },
    { label: 'Server-Sent Events', url: '${notification.url}/sse' },
    { label: 'Long-polling', url: '${notification.url}/poll' },
    { label: 'Orders API', url: '${order.url}/orders' },
  ],
});
