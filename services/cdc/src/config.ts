import Type from 'typebox';
import { CommonConfig } from '@commlab/kit';

export const CdcConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3095, minimum: 0, maximum: 65535, description: 'status and readiness port' }),
  CONNECT_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:8083',
    description: "Kafka Connect worker's REST API (with the Debezium PostgreSQL plugin)",
  }),
  EVENT_STORE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    default: 'postgres://postgres@127.0.0.1:5433/postgres',
    description:
      "the order event store's PostgreSQL (wal_level=logical), as this service and the Connect worker both reach it",
  }),
  ORDER_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:3000',
    description: 'the order service whose event store is streamed: named so that the lab starts it first',
  }),
  EVENT_NAMESPACE: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$',
    default: 'lab08',
    description: "the order service's namespace: its schema es_<namespace>, and the connector's names",
  }),
  CDC_CHECK_MS: Type.Integer({
    default: 2_000,
    minimum: 100,
    description: "how often the connector's state is asked (and a missing connector registered again)",
  }),
});
