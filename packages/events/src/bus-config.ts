import Type, { type Static } from 'typebox';

/** The settings every service that publishes or consumes events reads (spread into its config schema). */
export const BusConfig = {
  EVENT_BUS: Type.Union([Type.Literal('none'), Type.Literal('rabbitmq'), Type.Literal('kafka')], {
    default: 'none',
    description: 'event bus: none (no events leave or arrive), rabbitmq or kafka',
  }),
  AMQP_URL: Type.String({
    default: 'amqp://guest:guest@127.0.0.1:5672',
    pattern: '^amqps?://[^,\\s]+(,amqps?://[^,\\s]+)*$',
    description:
      "RabbitMQ URL when EVENT_BUS=rabbitmq, or a cluster's node URLs comma-separated (fails over between them)",
  }),
  KAFKA_BROKERS: Type.String({
    default: '127.0.0.1:9092',
    pattern: '^[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*$',
    description: 'Kafka bootstrap servers, host:port[,host:port] when EVENT_BUS=kafka',
  }),
  EVENT_NAMESPACE: Type.String({
    default: 'commlab',
    pattern: '^[a-z0-9][a-z0-9.-]{0,62}$',
    description: 'prefix of every exchange, queue and topic name (tests use a unique one per run)',
  }),
};

export const BusSettings = Type.Object(BusConfig);
export type BusSettings = Static<typeof BusSettings>;
