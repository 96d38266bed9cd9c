import { defineLab } from '@commlab/lab-runner/define';

// Chapter 5 is about the brokers themselves, so this lab runs no services: `pnpm lab up`
// makes sure RabbitMQ and Kafka answer, and each demo is a short script against them.
export default defineLab({
  id: '05-messaging',
  infra: ['rabbitmq', 'kafka'],
  services: {},
  links: [
    { label: 'RabbitMQ (AMQP)', url: '${rabbitmq.url}' },
    { label: 'Kafka (bootstrap)', url: '${kafka.brokers}' },
  ],
  commands: [
    { label: 'Work queue', command: 'node labs/05-messaging/demos/work-queue.ts' },
    { label: 'Exchange routing', command: 'node labs/05-messaging/demos/routing.ts' },
    { label: 'Dead letters', command: 'node labs/05-messaging/demos/dead-letter.ts' },
    { label: 'Kafka ordering', command: 'node labs/05-messaging/demos/kafka-ordering.ts' },
    { label: 'Kafka rebalance', command: 'node labs/05-messaging/demos/kafka-rebalance.ts' },
    { label: 'Kafka replay', command: 'node labs/05-messaging/demos/kafka-replay.ts' },
  ],
});
