import {
  infraNames,
  type Infra,
  type Lab,
  type LabDefinition,
  type RunOptions,
  type ServiceDefaults,
  type ServiceSpec,
} from './define.ts';
import { labNamespace } from './namespace.ts';
import { serviceDefaults } from './service-defaults.ts';

/** The lab console's name in every lab that has services (services/console). */
export const consoleName = 'console';

/**
 * A lab as it runs: each service's own defaults under what lab.ts changes under what this run
 * changes; the lab console added; each service's broker settings completed from its defaults
 * (EVENT_BUS=kafka gives it KAFKA_BROKERS); and the lab's brokers taken from what its services'
 * settings name, so no lab declares them a second time.
 */
export function resolveLab(
  id: string,
  definition: LabDefinition,
  options: RunOptions = {},
  defaultsOf: (service: string) => ServiceDefaults = serviceDefaults,
): Lab {
  for (const name of Object.keys(options.env ?? {})) {
    if (!(name in definition.services) && name !== consoleName) throw new Error(`lab ${id} has no service ${name}`);
  }
  // A run switches the bus of a lab that has one; it never gives a lab events it is not about.
  const eventBus = definition.eventBus && (options.eventBus ?? definition.eventBus);
  const declared = { ...definition.services };
  // Every lab with services shows them in the console; a lab.ts that lists `console` changes it.
  if (Object.keys(declared).length > 0) declared[consoleName] = { ...declared[consoleName] };

  const services: Record<string, ServiceSpec> = {};
  for (const [name, service] of Object.entries(declared)) {
    const folder = service.service ?? name;
    const defaults = defaultsOf(folder);
    const where = `services/${folder}/package.json "lab"`;
    const takesBus = Object.keys(defaults.brokers ?? {}).some((when) => when.startsWith('EVENT_BUS='));
    let env: Record<string, string> = {
      ...defaults.env,
      ...(eventBus && takesBus && { EVENT_BUS: eventBus }),
      ...(name === consoleName && consoleEnv(id, declared)),
      ...service.env,
      ...options.env?.[name],
    };
    for (const [when, then] of Object.entries(defaults.brokers ?? {})) {
      const [setting, value] = splitCondition(when);
      // What lab.ts or the run set themselves wins (a test may point KAFKA_BROKERS elsewhere).
      if (env[setting] === value) env = { ...env, ...withoutKeys(then, env) };
    }
    if (env.EVENT_BUS && env.EVENT_BUS !== 'none') {
      if (!defaults.brokers?.[`EVENT_BUS=${env.EVENT_BUS}`]) {
        throw new Error(
          `lab ${id}: ${name} cannot use EVENT_BUS=${env.EVENT_BUS}: ${where} has no "EVENT_BUS=${env.EVENT_BUS}"`,
        );
      }
      // Each lab's broker names get a prefix of their own, so `pnpm lab reset` can find them all.
      env.EVENT_NAMESPACE ??= labNamespace(id);
    }
    services[name] = {
      service: folder,
      port: service.port ?? defaults.port,
      ...(service.extraPorts && { extraPorts: service.extraPorts }),
      health: defaults.health,
      memory: service.memory ?? defaults.memory,
      env,
      ...(service.volumes && { volumes: service.volumes }),
      ...(service.replicaOf && { replicaOf: replicaOf(id, name, folder, service.replicaOf, declared) }),
      ...schemasPicked(defaults, env),
    };
  }

  const named = new Set([
    ...(definition.brokers ?? []),
    ...Object.values(services).flatMap((spec) => infraNamedIn(spec.env)),
  ]);
  // The Kafka Connect worker keeps its connectors, offsets and status in Kafka topics and writes
  // its records to Kafka: a lab with it has Kafka too, whatever its event bus.
  if (named.has('kafka-connect')) named.add('kafka');
  const infra = infraNames.filter((name) => named.has(name));
  if (definition.grafana && !infra.includes('prometheus')) {
    throw new Error(`lab ${id}: grafana shows the lab's Prometheus; add brokers: ['prometheus']`);
  }
  return {
    id,
    infra,
    services,
    links: [
      ...(services[consoleName] ? [{ label: 'Lab console', url: '${console.url}' }] : []),
      ...definition.links,
      ...infra.map((name) => infraLinks[name]),
    ],
    ...(definition.commands && { commands: definition.commands }),
    ...(definition.faults && { faults: true }),
    ...(definition.grafana && { grafana: definition.grafana }),
  };
}

const infraLinks: Record<Infra, { label: string; url: string }> = {
  rabbitmq: { label: 'RabbitMQ (AMQP)', url: '${rabbitmq.url}' },
  kafka: { label: 'Kafka (bootstrap)', url: '${kafka.brokers}' },
  postgres: { label: 'PostgreSQL', url: '${postgres.url}' },
  redis: { label: 'Redis', url: '${redis.url}' },
  zipkin: { label: 'Zipkin (traces)', url: '${zipkin.url}/zipkin/' },
  prometheus: { label: 'Prometheus (metrics)', url: '${prometheus.url}' },
  'kafka-cluster': { label: 'Kafka cluster', url: '${kafka-cluster.brokers}' },
  'rabbitmq-cluster': { label: 'RabbitMQ cluster', url: '${rabbitmq-cluster.url}' },
  'postgres-logical': { label: 'PostgreSQL (logical decoding)', url: '${postgres-logical.url}' },
  'kafka-connect': { label: 'Kafka Connect (Debezium) REST API', url: '${kafka-connect.url}/connectors' },
};

/** The brokers a service's settings name (`${rabbitmq.url}` names rabbitmq). */
export function infraNamedIn(env: Record<string, string>): Infra[] {
  return infraNames.filter((infra) => Object.values(env).some((value) => value.includes(`\${${infra}.`)));
}

/**
 * What the console shows: the lab's id, the order service its page places orders through and
 * the notification service it listens to (the first of each the lab lists).
 */
function consoleEnv(id: string, declared: LabDefinition['services']): Record<string, string> {
  const first = (service: string) =>
    Object.entries(declared).find(([name, spec]) => (spec.service ?? name) === service)?.[0];
  const order = first('order');
  const notification = first('notification');
  return {
    LAB_ID: id,
    ...(order && { ORDER_URL: `\${${order}.url}` }),
    ...(notification && { NOTIFICATION_PORT: `\${${notification}.port}` }),
  };
}

function withoutKeys(settings: Record<string, string>, present: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).filter(([key]) => !(key in present)));
}

function schemasPicked(defaults: ServiceDefaults, env: Record<string, string>): { schemas?: string[] } {
  const schemas = Object.entries(defaults.schemas ?? {})
    .filter(([when]) => {
      const [setting, value] = splitCondition(when);
      return env[setting] === value;
    })
    .map(([, prefix]) => prefix);
  return schemas.length > 0 ? { schemas } : {};
}

function splitCondition(when: string): [string, string] {
  const at = when.indexOf('=');
  return [when.slice(0, at), when.slice(at + 1)];
}

/** A replica names a service of the lab that runs the same code and is no replica itself. */
function replicaOf(
  id: string,
  name: string,
  folder: string,
  original: string,
  declared: LabDefinition['services'],
): string {
  const of = declared[original];
  if (!of) throw new Error(`lab ${id}: ${name} is a replica of ${original}, which the lab does not have`);
  if ((of.service ?? original) !== folder || of.replicaOf) {
    throw new Error(
      `lab ${id}: ${name} (services/${folder}) cannot be a replica of ${original}: not the same service, or a replica itself`,
    );
  }
  return original;
}
