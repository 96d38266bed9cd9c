import { Kafka, logLevel } from 'kafkajs';
import { dockerFallback } from './docker.ts';
import { freePort } from './ports.ts';

let brokers: Promise<string[]> | undefined;

/**
 * The Kafka bootstrap servers the tests use: KAFKA_BROKERS when set, else the local default
 * (`pnpm lab test` starts infra/kafka/kafka.sh there), else a Testcontainers Kafka where
 * Docker runs — and when none answers, an error that says so. Tests isolate themselves with
 * unique topic and group names.
 */
export async function kafkaBrokers(): Promise<string[]> {
  brokers ??= findBrokers();
  return brokers;
}

async function findBrokers(): Promise<string[]> {
  const candidate = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  try {
    const admin = new Kafka({
      brokers: candidate,
      connectionTimeout: 3_000,
      retry: { retries: 1 },
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
    return candidate;
  } catch (err) {
    return dockerFallback(`Kafka at ${candidate.join(',')}`, err as Error, async ({ GenericContainer, Wait }) => {
      // Kafka tells clients where to reconnect, so the host port must be known before start.
      const port = await freePort();
      await new GenericContainer('apache/kafka:4.1.1')
        .withExposedPorts({ container: 9092, host: port })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_NUM_PARTITIONS: '3',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start();
      return [`127.0.0.1:${port}`];
    });
  }
}
