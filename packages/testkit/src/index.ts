export { freshPostgresDatabase, type TestDatabase } from './postgres.ts';
export { amqpUrl, closeAmqpConnections } from './rabbitmq.ts';
export { kafkaBrokers } from './kafka.ts';
export { dockerFallback } from './docker.ts';
export { openApiChecker, type ReceivedResponse } from './openapi.ts';
export { freePort } from './ports.ts';
export { checkHistory, History, type HistoryEntry, type HistoryReport, type Outcome } from './history.ts';
export {
  kafkaCluster,
  rabbitMqCluster,
  type Cluster,
  type KafkaCluster,
  type NodeAction,
  type RabbitMqCluster,
  type RabbitMqNodeSet,
} from './clusters.ts';
