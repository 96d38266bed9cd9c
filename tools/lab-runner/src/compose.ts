import { stringify } from 'yaml';
import type { Infra, LabSpec } from './define.ts';
import { composeInfra, dependencies, healthTarget, serviceEnv } from './topology.ts';

/** Official images for the brokers; Compose users get the real thing. */
const infraServices: Record<Infra, object> = {
  kafka: {
    image: 'apache/kafka:4.1.1',
    environment: {
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
    },
    healthcheck: {
      test: ['CMD-SHELL', '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null'],
      interval: '5s',
      timeout: '10s',
      retries: 24,
      start_period: '10s',
    },
    mem_limit: '768m',
  },
  rabbitmq: {
    image: 'rabbitmq:4.1-management-alpine',
    ports: ['127.0.0.1:5672:5672', '127.0.0.1:15672:15672'],
    healthcheck: {
      test: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'],
      interval: '5s',
      timeout: '10s',
      retries: 24,
      start_period: '10s',
    },
    mem_limit: '512m',
  },
  postgres: {
    image: 'postgres:17-alpine',
    environment: { POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'commlab' },
    healthcheck: {
      test: ['CMD', 'pg_isready', '-U', 'postgres', '-d', 'commlab'],
      interval: '2s',
      timeout: '5s',
      retries: 30,
    },
    mem_limit: '256m',
  },
};

/** The Compose file of a lab, derived from its definition (never edited by hand). */
export function composeFile(lab: LabSpec, buildContext = '../..'): string {
  const placement = { mode: 'compose' as const, infra: composeInfra };
  const services: Record<string, object> = {};
  for (const infra of lab.infra) services[infra] = infraServices[infra];
  for (const [name, spec] of Object.entries(lab.services)) {
    const waitFor = [...dependencies(spec, lab), ...lab.infra.filter((infra) => usesInfra(spec.env, infra))];
    services[name] = {
      build: { context: buildContext, args: { SERVICE: spec.service } },
      image: `commlab/${spec.service}:dev`,
      environment: { ...serviceEnv(lab, name, placement), LOG_FORMAT: 'json' },
      ports: [spec.port, ...Object.values(spec.extraPorts ?? {}).map((extra) => extra.port)].map(
        (port) => `127.0.0.1:${port}:${port}`,
      ),
      healthcheck: {
        test: ['CMD', 'node', 'packages/kit/src/probe.ts', healthTarget(spec, '127.0.0.1', spec.port)],
        interval: '3s',
        timeout: '3s',
        retries: 20,
        start_period: '5s',
      },
      mem_limit: spec.memory ?? '192m',
      ...(waitFor.length > 0 && {
        depends_on: Object.fromEntries(waitFor.map((dep) => [dep, { condition: 'service_healthy' }])),
      }),
    };
  }
  const header = [
    `# Lab ${lab.id}, generated from labs/${lab.id}/lab.ts by \`pnpm lab compose\`. Do not edit:`,
    '# change lab.ts and regenerate; a test fails when this file and lab.ts disagree.',
    '',
  ].join('\n');
  return header + stringify({ name: `commlab-${lab.id}`, services }, { lineWidth: 0 });
}

function usesInfra(env: Record<string, string> | undefined, infra: Infra): boolean {
  return Object.values(env ?? {}).some((value) => value.includes(`\${${infra}.`));
}
