import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { clusterRunning, clusters, type ClusterName } from './clusters.ts';
import type { Infra } from './define.ts';
import { repoRoot } from './paths.ts';
import type { InfraEndpoints } from './topology.ts';
import { say } from './say.ts';

/** Native endpoints: the variables DESIGN.md names when set, else local defaults. */
export function nativeInfra(env: NodeJS.ProcessEnv = process.env): InfraEndpoints {
  return {
    'kafka.brokers': env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    'rabbitmq.url': env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    'postgres.url': env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    'redis.url': env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    'zipkin.url': env.ZIPKIN_URL ?? 'http://127.0.0.1:9411',
    'prometheus.url': env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090',
    // The clusters are the lab's own, on their fixed ports (infra/*-cluster/cluster.sh).
    [clusters['kafka-cluster'].endpoint.key]: clusters['kafka-cluster'].endpoint.native,
    [clusters['rabbitmq-cluster'].endpoint.key]: clusters['rabbitmq-cluster'].endpoint.native,
    'postgres-logical.url': env.LOGICAL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5433/postgres',
    'kafka-connect.url': env.KAFKA_CONNECT_URL ?? 'http://127.0.0.1:8083',
  };
}

interface InfraPart {
  label: string;
  address(endpoints: InfraEndpoints): string;
  /** Set when the endpoint came from the environment: then we never start anything ourselves. */
  overriddenBy: string;
  /** How to start it on this machine, if we can. */
  start?: () => string[] | undefined;
  /** Whether it is all up, when one address answering is not enough (a cluster: every node). */
  up?: () => boolean;
  /** How to stop it again, for what a test run started and should not leave behind (a cluster). */
  stop?: () => string[];
  fix: string;
}

const parts: Record<Infra, InfraPart> = {
  kafka: {
    label: 'Kafka',
    address: (e) => e['kafka.brokers']!.split(',')[0]!,
    overriddenBy: 'KAFKA_BROKERS',
    start: () => [join(repoRoot, 'infra/kafka/kafka.sh'), 'start'],
    fix: 'run infra/kafka/kafka.sh start (needs Java 17 and Maven), or set KAFKA_BROKERS',
  },
  rabbitmq: {
    label: 'RabbitMQ',
    // A cluster's AMQP_URL lists its nodes, comma-separated: the first stands for them.
    address: (e) => new URL(e['rabbitmq.url']!.split(',')[0]!).host || '127.0.0.1:5672',
    overriddenBy: 'AMQP_URL',
    start: () => (onPath('rabbitmq-server') ? ['rabbitmq-server', '-detached'] : undefined),
    fix: 'install and start RabbitMQ (Debian: apt-get install rabbitmq-server), run it with Docker, or set AMQP_URL',
  },
  postgres: {
    label: 'PostgreSQL',
    address: (e) => new URL(e['postgres.url']!).host || '127.0.0.1:5432',
    overriddenBy: 'DATABASE_URL',
    start: () => {
      const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
      return onPath('pg_ctlcluster') && versions[0]
        ? ['pg_ctlcluster', '--skip-systemctl-redirect', versions[0], 'main', 'start']
        : undefined;
    },
    fix: 'install and start PostgreSQL (Debian: apt-get install postgresql), run it with Docker, or set DATABASE_URL',
  },
  redis: {
    label: 'Redis',
    address: (e) => new URL(e['redis.url']!).host || '127.0.0.1:6379',
    overriddenBy: 'REDIS_URL',
    start: () => (onPath('redis-server') ? ['redis-server', '--daemonize', 'yes'] : undefined),
    fix: 'install and start Redis (Debian: apt-get install redis-server), run it with Docker, or set REDIS_URL',
  },
  zipkin: {
    label: 'Zipkin',
    address: (e) => hostOf(e['zipkin.url']) || '127.0.0.1:9411',
    overriddenBy: 'ZIPKIN_URL',
    start: () => [join(repoRoot, 'infra/zipkin/zipkin.sh'), 'start'],
    fix: 'run infra/zipkin/zipkin.sh start (needs Java 17 and Maven), or set ZIPKIN_URL',
  },
  prometheus: {
    label: 'Prometheus',
    address: (e) => hostOf(e['prometheus.url']) || '127.0.0.1:9090',
    overriddenBy: 'PROMETHEUS_URL',
    // Scrapes every lab at its default ports, with each lab's own rules (labs/*/prometheus).
    start: () => [
      join(repoRoot, 'infra/prometheus/prometheus.sh'),
      'start',
      '--config',
      join(repoRoot, 'infra/prometheus/labs.yml'),
    ],
    fix: 'run infra/prometheus/prometheus.sh start --config infra/prometheus/labs.yml (Debian: apt-get install prometheus), or set PROMETHEUS_URL',
  },
  'kafka-cluster': clusterPart('kafka-cluster', 'needs Java 17 and Maven, as infra/kafka'),
  'rabbitmq-cluster': clusterPart('rabbitmq-cluster', 'needs rabbitmq-server installed'),
  // infra/postgres-logical: the lab-owned cluster with wal_level=logical on its own port, so the
  // shared server on 5432 is never reconfigured.
  'postgres-logical': {
    label: 'PostgreSQL with logical decoding',
    address: (e) => hostOf(e['postgres-logical.url']) || '127.0.0.1:5433',
    overriddenBy: 'LOGICAL_DATABASE_URL',
    start: () => [join(repoRoot, 'infra/postgres-logical/pg-logical.sh'), 'start'],
    fix: 'run infra/postgres-logical/pg-logical.sh start (needs the PostgreSQL server binaries), or set LOGICAL_DATABASE_URL',
  },
  // infra/kafka-connect: one distributed worker with the Debezium plugin, against the shared Kafka.
  'kafka-connect': {
    label: 'Kafka Connect (Debezium)',
    address: (e) => hostOf(e['kafka-connect.url']) || '127.0.0.1:8083',
    overriddenBy: 'KAFKA_CONNECT_URL',
    start: () => [join(repoRoot, 'infra/kafka-connect/kafka-connect.sh'), 'start'],
    fix: 'run infra/kafka-connect/kafka-connect.sh start (needs Java 17, Maven and Kafka), or set KAFKA_CONNECT_URL',
  },
};

/** A three-node cluster: up when all its nodes run; started (all that is not running) by its cluster.sh. */
function clusterPart(name: ClusterName, needs: string): InfraPart {
  const { label, script, endpoint } = clusters[name];
  return {
    label,
    // The first node stands for the cluster where one address is asked (verify, doctor).
    address: (e) => hostOf(e[endpoint.key] ?? endpoint.native),
    overriddenBy: '',
    start: () => [script, 'start'],
    up: () => clusterRunning(name),
    stop: () => [script, 'stop'],
    fix: `run ${relative(repoRoot, script)} start (${needs})`,
  };
}

/** host:port of a URL or of a list's first node; empty for none (endpoints written before the trace and metrics servers existed). */
function hostOf(list: string | undefined): string {
  if (!list) return '';
  const first = list.split(',')[0]!;
  return first.includes('://') ? new URL(first).host : first;
}

/** Whether one broker answers, and if not, how to get it: what `pnpm lab verify` reports. */
export async function checkInfra(
  name: Infra,
  endpoints: InfraEndpoints,
): Promise<{ label: string; address: string; ok: boolean; fix: string }> {
  const { label, fix } = parts[name];
  const address = parts[name].address(endpoints);
  return { label, address, ok: await reachable(address), fix };
}

/** host:port where a broker answers, for the given endpoints. */
export function infraAddress(name: Infra, endpoints: InfraEndpoints): string {
  return parts[name].address(endpoints);
}

export function reachable(address: string, timeoutMs = 1_000): Promise<boolean> {
  const [host, port] = splitHostPort(address);
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/**
 * Makes sure every broker a lab needs answers. What this machine can start (Kafka from
 * its jars, a locally installed RabbitMQ or PostgreSQL) is started; anything else is named
 * with the fix. Resolves false when something is still missing.
 */
export async function ensureInfra(needs: readonly Infra[], endpoints = nativeInfra()): Promise<boolean> {
  let ok = true;
  for (const name of new Set(needs)) {
    const part = parts[name];
    const address = part.address(endpoints);
    if (part.up ? part.up() : await reachable(address)) continue;
    const command = part.overriddenBy && process.env[part.overriddenBy] ? undefined : part.start?.();
    if (command) {
      say.step(`${part.label} is not answering on ${address}; starting it: ${command.join(' ')}`);
      const started = spawnSync(command[0]!, command.slice(1), { stdio: 'inherit' });
      if (part.stop) startedHere.add(name);
      // A cluster's script waits until every node is ready, and exits non-zero saying why not.
      if (part.up ? started.status === 0 && part.up() : await waitReachable(address, 60_000)) {
        say.ok(`${part.label} ready on ${address}`);
        continue;
      }
    }
    say.fail(`${part.label} is not reachable on ${address}. Fix: ${part.fix}.`);
    ok = false;
  }
  return ok;
}

/** What ensureInfra started that has a stop: the clusters a test run brought up. */
const startedHere = new Set<Infra>();

/**
 * Stops what ensureInfra started in this process and can stop (the broker clusters: six JVMs
 * and three Erlang nodes are not left running after a test run). Single brokers stay up.
 */
export function stopStartedInfra(): void {
  for (const name of startedHere) {
    const command = parts[name].stop!();
    say.step(`stopping the ${parts[name].label} this run started: ${command.join(' ')}`);
    spawnSync(command[0]!, command.slice(1), { stdio: 'inherit' });
  }
  startedHere.clear();
}

async function waitReachable(address: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await reachable(address)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

export function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))];
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
