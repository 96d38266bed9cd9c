import { defineLab } from '@commlab/lab';

// The order service with its orders as event streams: only configuration differs from lab 02's
// async checkout. ORDER_STORE=event-store keeps each order as the stream `order-<id>` in
// PostgreSQL (@commlab/event-store), publishes from the log with the outbox relay, and serves
// the order summary and customer history read models with how far behind the log they are.
//
// The same log is also published a second way, by log-based change data capture: the store
// lives in the lab's PostgreSQL with logical decoding (infra/postgres-logical), and the cdc
// service keeps a Debezium connector registered in Kafka Connect (infra/kafka-connect) that
// streams the `events` table through the outbox event router to Kafka. The polling relay keeps
// publishing to the event bus (RabbitMQ) beside it, so the guide compares the two.
export default defineLab({
  eventBus: 'rabbitmq',
  services: {
    inventory: {},
    order: {
      env: {
        ORDER_STORE: 'event-store',
        CHECKOUT_MODE: 'async',
        DATABASE_URL: '${postgres-logical.url}',
        // Small, so the guide's orders cross a snapshot.
        ORDER_SNAPSHOT_EVERY: '3',
      },
    },
    cdc: {
      env: {
        CONNECT_URL: '${kafka-connect.url}',
        // Not DATABASE_URL: it keeps no data of its own (reset drops the store with order's schema).
        EVENT_STORE_URL: '${postgres-logical.url}',
        // Its store's: named so that order starts first; a test run gives both its own namespace.
        ORDER_URL: '${order.url}',
        EVENT_NAMESPACE: 'lab08',
      },
    },
  },
  links: [
    { label: 'Orders API', url: '${order.url}/v2/orders' },
    { label: 'Order summaries (read model)', url: '${order.url}/v2/order-summaries' },
    { label: 'Debezium connector (names and state)', url: '${cdc.url}/connector' },
  ],
});
