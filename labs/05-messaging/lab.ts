import { defineLab } from '@commlab/lab';

// Chapter 5 is about the brokers themselves, so this lab runs no services (and so no console:
// its demos print what crossed the broker themselves): `pnpm lab up` makes sure RabbitMQ and
// Kafka answer, and each demo is a short script against them.
export default defineLab({
  brokers: ['rabbitmq', 'kafka'],
  services: {},
  links: [],
  commands: [
    { label: 'Work queue', command: 'node labs/05-messaging/demos/work-queue.ts' },
    { label: 'Exchange routing', command: 'node labs/05-messaging/demos/routing.ts' },
    { label: 'Dead letters', command: 'node labs/05-messaging/demos/dead-letter.ts' },
    { label: 'Kafka ordering', command: 'node labs/05-messaging/demos/kafka-ordering.ts' },
    { label: 'Kafka rebalance', command: 'node labs/05-messaging/demos/kafka-rebalance.ts' },
    { label: 'Kafka replay', command: 'node labs/05-messaging/demos/kafka-replay.ts' },
  ],
});
