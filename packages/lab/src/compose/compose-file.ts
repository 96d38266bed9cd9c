import { stringify } from 'yaml';
import type { Infra, Lab, ServiceSpec } from '../define.ts';
import { infraAddress, nativeInfra, splitHostPort } from '../infra.ts';
import { composeFaultsDir } from '../faults.ts';
import { clusterComposeServices, clusters, isCluster, type ClusterName } from '../clusters.ts';
import { consoleName } from '../resolve-lab.ts';
import { containerCertsDir } from '../certs.ts';
import { grafanaNote, grafanaOnHost, grafanaService } from './grafana.ts';
import { composeInfra, dependencies, healthTarget, portOf, serviceEnv, type Placement } from '../topology.ts';

// Written so that Docker Compose and podman-compose 1.0.3 (Debian 12, what CI runs) read them
// alike (infra/containers/README.md): healthcheck tests and commands are strings, because
// podman-compose re-quotes ["CMD", ...] lists wrongly and appends an override's lists to the
// base file's instead of replacing them.

/** Official images for the brokers; Compose users get the real thing. */
const infraServices: Record<Exclude<Infra, ClusterName>, object> = {
  kafka: {
    image: 'apache/kafka:4.1.1',
    environment: {
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      // Containers reach the broker as kafka:9092; the host (lab demos, tests) as 127.0.0.1:9092
      // through a second listener, since Kafka hands each client the address to come back to.
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093,HOST://:9094',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092,HOST://127.0.0.1:9092',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,HOST:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
    },
    ports: ['127.0.0.1:9092:9094'],
    healthcheck: {
      test: '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null',
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
      test: 'rabbitmq-diagnostics -q ping',
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
      test: 'pg_isready -U postgres -d commlab',
      interval: '2s',
      timeout: '5s',
      retries: 30,
    },
    mem_limit: '256m',
  },
  redis: {
    image: 'redis:7-alpine',
    ports: ['127.0.0.1:6379:6379'],
    healthcheck: { test: 'redis-cli ping', interval: '2s', timeout: '3s', retries: 30 },
    mem_limit: '64m',
  },
  // infra/zipkin/compose.fragment.yaml: same version and heap as natively.
  zipkin: {
    image: 'openzipkin/zipkin:3.5.1',
    environment: {
      STORAGE_TYPE: 'mem',
      MEM_MAX_SPANS: '40000',
      SELF_TRACING_ENABLED: 'false',
      JAVA_OPTS: '-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:+ExitOnOutOfMemoryError',
    },
    ports: ['127.0.0.1:9411:9411'],
    healthcheck: {
      test: 'wget -q -O /dev/null http://127.0.0.1:9411/health',
      interval: '3s',
      timeout: '3s',
      retries: 30,
      start_period: '10s',
    },
    mem_limit: '384m',
  },
  // infra/prometheus/compose.fragment.yaml: the lab's own prometheus/ folder (its Compose
  // targets in prometheus.yml, its rules beside it).
  prometheus: {
    image: 'prom/prometheus:v2.53.3',
    command:
      '--config.file=/etc/prometheus/lab/prometheus.yml --storage.tsdb.path=/prometheus --storage.tsdb.retention.time=1d --web.enable-lifecycle --web.enable-admin-api',
    volumes: ['./prometheus:/etc/prometheus/lab:ro'],
    ports: ['127.0.0.1:9090:9090'],
    healthcheck: {
      test: 'wget -q -O /dev/null http://127.0.0.1:9090/-/ready',
      interval: '3s',
      timeout: '3s',
      retries: 20,
      start_period: '5s',
    },
    mem_limit: '256m',
  },
  // infra/postgres-logical/compose.fragment.yaml: the same major version and settings as natively.
  'postgres-logical': {
    image: 'postgres:15-alpine',
    command:
      'postgres -c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10 -c shared_buffers=32MB -c max_connections=50',
    // As natively: no password, and the port is published on 127.0.0.1 only.
    environment: { POSTGRES_HOST_AUTH_METHOD: 'trust' },
    ports: ['127.0.0.1:5433:5432'],
    healthcheck: {
      // Over TCP: the image's first-run initialisation serves the unix socket only.
      test: 'pg_isready -U postgres -h 127.0.0.1',
      interval: '2s',
      timeout: '3s',
      retries: 30,
      start_period: '5s',
    },
    mem_limit: '256m',
  },
  // infra/kafka-connect/compose.fragment.yaml: the official Debezium image, configured like the
  // native worker (distributed, one worker, the same group and internal topics, heap ≤ 512 MiB).
  'kafka-connect': {
    image: 'quay.io/debezium/connect:3.6.1.Final',
    environment: {
      BOOTSTRAP_SERVERS: 'kafka:9092',
      GROUP_ID: 'commlab-connect',
      CONFIG_STORAGE_TOPIC: 'commlab-connect-configs',
      OFFSET_STORAGE_TOPIC: 'commlab-connect-offsets',
      STATUS_STORAGE_TOPIC: 'commlab-connect-status',
      CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_OFFSET_STORAGE_PARTITIONS: '1',
      CONNECT_STATUS_STORAGE_PARTITIONS: '1',
      CONNECT_KEY_CONVERTER_SCHEMAS_ENABLE: 'false',
      CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE: 'false',
      CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS: '0',
      OFFSET_FLUSH_INTERVAL_MS: '1000',
      // The image binds the REST API to the container's address by default.
      REST_HOST_NAME: '0.0.0.0',
      ADVERTISED_HOST_NAME: 'kafka-connect',
      HEAP_OPTS: '-Xms128m -Xmx512m',
    },
    ports: ['127.0.0.1:8083:8083'],
    healthcheck: {
      test: 'curl -fsS -o /dev/null http://127.0.0.1:8083/health',
      interval: '3s',
      timeout: '3s',
      retries: 40,
      start_period: '15s',
    },
    mem_limit: '768m',
    depends_on: {
      kafka: { condition: 'service_healthy' },
      'postgres-logical': { condition: 'service_healthy' },
    },
  },
};

/** The lab whose services make up the root docker-compose.yml (the whole system so far). */
export const rootLab = '01-tour';

/** The Compose file of a lab, derived from its definition (never edited by hand). */
export function composeFile(lab: Lab, buildContext = '../..'): string {
  const placement = { mode: 'compose' as const, infra: composeInfra };
  const services: Record<string, object> = {};
  for (const infra of lab.infra) {
    // A cluster is its nodes, as infra/<cluster>/compose.yaml defines them.
    if (isCluster(infra)) Object.assign(services, clusterComposeServices(infra));
    else services[infra] = infraServices[infra];
  }
  if (lab.grafana) services.grafana = grafanaService(lab);
  for (const [name, spec] of Object.entries(lab.services)) {
    const waitFor = [
      ...dependencies(spec, lab),
      ...lab.infra
        .filter((infra) => usesInfra(spec.env, infra))
        .flatMap((infra) => (isCluster(infra) ? clusters[infra].clientNodes : [infra])),
    ];
    services[name] = {
      build: { context: buildContext, args: { SERVICE: spec.service } },
      image: serviceImage(spec.service),
      environment: {
        ...serviceEnv(lab, name, placement),
        LOG_FORMAT: 'json',
        ...(lab.faults && { FAULTS_FILE: `${composeFaultsDir}/flags.json` }),
      },
      ports: [spec.port, ...Object.values(spec.extraPorts ?? {}).map((extra) => extra.port)].map(
        (port) => `127.0.0.1:${port}:${port}`,
      ),
      healthcheck: {
        test: probeCommand(spec, spec.port),
        interval: '3s',
        timeout: '3s',
        retries: 20,
        start_period: '5s',
      },
      ...mounts(lab, name, spec, buildContext),
      mem_limit: spec.memory,
      // Node as PID 1 leaves zombies unreaped; a tiny init also forwards signals, so `down` is quick.
      init: true,
      ...(waitFor.length > 0 && {
        depends_on: Object.fromEntries(waitFor.map((dep) => [dep, { condition: 'service_healthy' }])),
      }),
    };
  }
  const volumes = sharedData(lab);
  const note = lab.grafana ? `${grafanaNote().join('\n')}\n` : '';
  return (
    header(lab) +
    note +
    stringify(
      {
        name: `commlab-${lab.id}`,
        services,
        ...(volumes.length > 0 && { volumes: Object.fromEntries(volumes.map((v) => [v, {}])) }),
      },
      { lineWidth: 0 },
    )
  );
}

/** The Dockerfile's DATA_DIR: where a service in its image keeps its files. */
const containerDataDir = '/app/data';

/** The named volume a replicated service and its replicas keep their one store in. */
function dataVolumeOf(lab: Lab, name: string): string | undefined {
  const original = lab.services[name]!.replicaOf ?? name;
  const replicated = Object.values(lab.services).some((spec) => spec.replicaOf === original);
  return replicated ? `${original}-data` : undefined;
}

function sharedData(lab: Lab): string[] {
  return [...new Set(Object.keys(lab.services).flatMap((name) => dataVolumeOf(lab, name) ?? []))];
}

/** The image Compose gives a service, and `pnpm lab compose-check` builds. */
export function serviceImage(service: string): string {
  return `commlab/${service}:dev`;
}

/** The override below, next to the lab's compose.yaml. */
export const hostBrokersFileName = 'compose.host-brokers.yaml';

/** The official Node image every commlab image starts FROM (the Dockerfile's NODE_IMAGE). */
const nodeImage = 'docker.io/library/node:24-bookworm-slim';

/**
 * An override for compose.yaml that uses the brokers already running on this machine (their
 * native default addresses) instead of containers of them: every container joins the host
 * network, services get their native configuration, and each broker becomes a stand-in that
 * is healthy exactly when the host's broker answers — so `depends_on: service_healthy` still
 * means "the broker is up". CI uses it, since it cannot pull broker images.
 */
export function hostBrokersFile(lab: Lab): string {
  const placement = onHost();
  const services: Record<string, object> = brokerStandIns(lab);
  if (lab.grafana) services.grafana = grafanaOnHost(lab, placement.infra['prometheus.url']!);
  for (const name of Object.keys(lab.services)) {
    services[name] = { network_mode: 'host', environment: serviceEnv(lab, name, placement) };
  }
  const usage = [
    `# Use on top of compose.yaml when the brokers run natively on their default local ports (Linux):`,
    `#   docker compose -f labs/${lab.id}/compose.yaml -f labs/${lab.id}/compose.host-brokers.yaml up --build`,
    '# Every container joins the host network; a broker service only waits until the host broker answers.',
    '',
  ].join('\n');
  return header(lab) + usage + stringify({ services }, { lineWidth: 0 });
}

/** A stand-in for each broker of the lab: healthy exactly when the host's broker answers. */
function brokerStandIns(lab: Lab): Record<string, object> {
  const placement = onHost();
  const services: Record<string, object> = {};
  const standIns = lab.infra.flatMap((infra): [string, string, number][] => {
    if (isCluster(infra))
      return Object.entries(clusters[infra].hostPorts).map(([node, port]) => [node, '127.0.0.1', port]);
    return [[infra, ...splitHostPort(infraAddress(infra, placement.infra))]];
  });
  for (const [infra, host, port] of standIns) {
    services[infra] = {
      image: nodeImage,
      pull_policy: 'missing',
      network_mode: 'host',
      command: 'sleep infinity',
      init: true,
      healthcheck: {
        test: `node -e "require('node:net').connect(${port}, '${host}').once('connect', () => process.exit(0)).once('error', () => process.exit(1))"`,
        interval: '2s',
        timeout: '3s',
        retries: 30,
      },
      mem_limit: '64m',
    };
  }
  return services;
}

/**
 * A further override for compose.host-brokers.yaml: one run of the lab (a test file's) with its
 * services on other ports (free ones, so it never collides with a lab running on this machine),
 * with this run's settings (its own broker namespace, a test's limits, another event bus), and
 * a stand-in for every broker this run uses.
 */
export function runFile(
  lab: Lab,
  ports: Record<string, number>,
  env: Record<string, string> = {},
  volumes: string[] = [],
): string {
  const placement = onHost(ports);
  const services: Record<string, object> = brokerStandIns(lab);
  // A part of a lab without its console (partOfLab): the committed file still gives each
  // service the console's address, and an override can only blank it (empty is unset).
  const noConsole = lab.services[consoleName] ? {} : { CONSOLE_URL: '' };
  for (const [name, spec] of Object.entries(lab.services)) {
    services[name] = {
      environment: { ...serviceEnv(lab, name, placement), ...noConsole, LOG_FORMAT: 'json', ...env },
      healthcheck: { test: probeCommand(spec, portOf(lab, name, placement)) },
      // A list of its own per service: a shared one would be written as a YAML alias.
      ...(volumes.length > 0 && { volumes: [...volumes] }),
    };
  }
  return stringify({ services }, { lineWidth: 0 });
}

/** On the host network, services reach each other and the brokers as native processes do, at the default addresses. */
function onHost(ports?: Record<string, number>): Placement {
  // On the host's network, yet in a container: the certificates are where compose.yaml mounts them.
  return { mode: 'native', infra: nativeInfra({}), certsDir: containerCertsDir, ...(ports && { ports }) };
}

/** The healthcheck of a service's container: the image's own probe script. */
function probeCommand(spec: ServiceSpec, port: number): string {
  const target = healthTarget(spec, '127.0.0.1', port, containerCertsDir);
  // An mTLS target carries a query (`&`): quoted for the shell the healthcheck runs in.
  return `node packages/kit/src/probe.ts ${target.includes('?') ? `'${target}'` : target}`;
}

function header(lab: Lab): string {
  return [
    `# Lab ${lab.id}, generated from labs/${lab.id}/lab.ts by \`pnpm lab compose\`. Do not edit:`,
    '# change lab.ts and regenerate; a test fails when this file and lab.ts disagree.',
    '',
  ].join('\n');
}

/** A service's mounts: its lab's own, and those its lab's features need. */
function mounts(lab: Lab, name: string, spec: ServiceSpec, buildContext: string): { volumes?: string[] } {
  const data = dataVolumeOf(lab, name);
  const volumes = [
    ...(spec.volumes ?? []),
    // Replicas of one service share its store (lab.ts replicaOf); `down -v` removes it.
    ...(data ? [`${data}:${containerDataDir}`] : []),
    // The folder `pnpm lab fault` writes the dials to (a folder, so a replaced file is seen).
    ...(lab.faults ? [`./../../.run/${lab.id}/faults:${composeFaultsDir}`] : []),
    // The lab PKI (infra/certs), read-only, for a service whose settings name a certificate.
    ...(usesCerts(spec.env) ? [`${buildContext}/.run/certs:${containerCertsDir}:ro`] : []),
  ];
  return volumes.length > 0 ? { volumes } : {};
}

function usesCerts(env: Record<string, string>): boolean {
  return Object.values(env).some((value) => value.includes('${certs.dir}'));
}

function usesInfra(env: Record<string, string> | undefined, infra: Infra): boolean {
  return Object.values(env ?? {}).some((value) => value.includes(`\${${infra}.`));
}
