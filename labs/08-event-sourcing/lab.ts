import { defineLab } from '@commlab/lab';

// The order service with its orders as event streams: only configuration differs from lab 02's
// async checkout. ORDER_STORE=event-store keeps each order as the stream `order-<id>` in
// PostgreSQL (@commlab/event-store), publishes from the log with the outbox relay, and serves
// the order summary and customer history read models with how far behind the log they are.
//
// Checkout is a saga with a payment step, twice. `order` choreographs it by events alone:
// order.placed → inventory reserves → stock-reserved → payment pays → payment.completed → order
// confirmed; payment.declined → order cancelled → inventory releases the stock. `order-orchestrated`
// (the same service, CHECKOUT_MODE=orchestration, no bus) has a saga orchestrator with its sagas
// in a table call inventory (gRPC) and payment (HTTP) in turn, and compensate in reverse.
// Payment declines a payment above PAYMENT_LIMIT (one unit per item): 11 keyboards fail.
//
// notification is the idempotent consumer downstream: each order event it applies is recorded
// in the same transaction as its id, so a redelivery after a crash changes nothing.
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
    payment: { env: { PAYMENT_LIMIT: '10' } },
    order: {
      env: {
        ORDER_STORE: 'event-store',
        CHECKOUT_MODE: 'choreography',
        DATABASE_URL: '${postgres-logical.url}',
        // Small, so the guide's orders cross a snapshot.
        ORDER_SNAPSHOT_EVERY: '3',
      },
    },
    'order-orchestrated': {
      service: 'order',
      port: 3005,
      env: {
        CHECKOUT_MODE: 'orchestration',
        EVENT_BUS: 'none',
        INVENTORY_ADDR: '${inventory.addr}',
        PAYMENT_URL: '${payment.url}',
        SAGA_RETRY_MS: '500',
      },
    },
    notification: {},
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
    { label: 'Payments', url: '${payment.url}/payments' },
    { label: 'Sagas (orchestrated)', url: '${order-orchestrated.url}/sagas' },
    { label: 'Notifications (idempotent consumer)', url: '${notification.url}/notifications' },
    { label: 'Debezium connector (names and state)', url: '${cdc.url}/connector' },
  ],
});
