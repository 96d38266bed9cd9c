import { defineLab } from '@commlab/lab';

// The order service with its orders as event streams: only configuration differs from lab 02's
// async checkout. ORDER_STORE=event-store keeps each order as the stream `order-<id>` in
// PostgreSQL (@commlab/event-store), publishes from the log with the outbox relay, and serves
// the order summary and customer history read models with how far behind the log they are.
// notification is the idempotent consumer downstream: each order event it applies is recorded
// in the same transaction as its id, so a redelivery after a crash changes nothing.
export default defineLab({
  eventBus: 'rabbitmq',
  services: {
    inventory: {},
    order: {
      env: {
        ORDER_STORE: 'event-store',
        CHECKOUT_MODE: 'async',
        DATABASE_URL: '${postgres.url}',
        // Small, so the guide's orders cross a snapshot.
        ORDER_SNAPSHOT_EVERY: '3',
      },
    },
    notification: {},
  },
  links: [
    { label: 'Orders API', url: '${order.url}/v2/orders' },
    { label: 'Order summaries (read model)', url: '${order.url}/v2/order-summaries' },
    { label: 'Notifications (idempotent consumer)', url: '${notification.url}/notifications' },
  ],
});
