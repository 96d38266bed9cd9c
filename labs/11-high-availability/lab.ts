import { defineLab } from '@commlab/lab';

// High availability on real broker clusters: the same order and notification services as in
// lab 02, twice — one pair whose events cross the three-broker Kafka cluster, one pair whose
// events cross the three-node RabbitMQ cluster. Nothing in the services changes: their broker
// settings list every node of a cluster (infra/kafka-cluster, infra/rabbitmq-cluster), and
// their clients fail over between them. Both order services keep their events in an outbox,
// so a cluster that cannot take writes costs delay, never an event. Checkout is asynchronous
// (the order is stored pending with its order.placed event, answered 202) and no inventory
// runs: what this lab watches is each event crossing a cluster, not stock.
//
// The namespace is lab11ha, not lab11: lab 11-fault-tolerance (the chapter's first half) owns lab11.
const kafkaCluster = { EVENT_BUS: 'kafka', KAFKA_BROKERS: '${kafka-cluster.brokers}', EVENT_NAMESPACE: 'lab11ha' };
const rabbitCluster = { EVENT_BUS: 'rabbitmq', AMQP_URL: '${rabbitmq-cluster.url}', EVENT_NAMESPACE: 'lab11ha' };

export default defineLab({
  services: {
    'order-kafka': { service: 'order', env: { ...kafkaCluster, CHECKOUT_MODE: 'async' } },
    'notification-kafka': { service: 'notification', env: kafkaCluster },
    'order-rabbit': { service: 'order', port: 3002, env: { ...rabbitCluster, CHECKOUT_MODE: 'async' } },
    'notification-rabbit': { service: 'notification', port: 3003, env: rabbitCluster },
  },
  links: [
    { label: 'Orders over Kafka', url: '${order-kafka.url}/orders' },
    { label: 'Orders over RabbitMQ', url: '${order-rabbit.url}/orders' },
    { label: 'Notifications (Kafka)', url: '${notification-kafka.url}/notifications' },
    { label: 'Notifications (RabbitMQ)', url: '${notification-rabbit.url}/notifications' },
  ],
  commands: [
    { label: 'Partition leaders', command: 'infra/kafka-cluster/cluster.sh topics --describe --topic lab11ha.order' },
    {
      label: 'Quorum queue leaders',
      command: 'infra/rabbitmq-cluster/cluster.sh ctl list_queues name type leader members',
    },
    { label: 'Kill a broker', command: 'pnpm lab node 11-high-availability kafka-2 kill' },
  ],
});
