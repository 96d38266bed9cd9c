import type { Infra, Lab, ServiceSpec } from './define.ts';
import { containerCertsDir, nativeCertsDir } from './certs.ts';
import { clusters } from './clusters.ts';
import { consoleName } from './resolve-lab.ts';

export type Mode = 'native' | 'compose';

/** Where the brokers and the database are, as seen from the lab's services. */
export type InfraEndpoints = Record<`${Infra}.${string}`, string>;

export const composeInfra: InfraEndpoints = {
  'kafka.brokers': 'kafka:9092',
  'rabbitmq.url': 'amqp://guest:guest@rabbitmq:5672',
  'postgres.url': 'postgres://postgres:postgres@postgres:5432/commlab',
  'redis.url': 'redis://redis:6379',
  'zipkin.url': 'http://zipkin:9411',
  'prometheus.url': 'http://prometheus:9090',
  [clusters['kafka-cluster'].endpoint.key]: clusters['kafka-cluster'].endpoint.compose,
  [clusters['rabbitmq-cluster'].endpoint.key]: clusters['rabbitmq-cluster'].endpoint.compose,
  'postgres-logical.url': 'postgres://postgres@postgres-logical:5432/postgres',
  'kafka-connect.url': 'http://kafka-connect:8083',
};

export interface Placement {
  mode: Mode;
  infra: InfraEndpoints;
  /** Native runs may move services to other ports (tests use free ones): by service name, or `service.extra`. */
  ports?: Record<string, number>;
  /** Where `${certs.dir}` is for the services: the lab PKI natively, `/certs` in a container (the default by mode). */
  certsDir?: string;
}

// ${name.key} or ${name.extra.key}, where `extra` names one of the service's extraPorts.
const placeholder = /\$\{([a-z0-9-]+)(?:\.([a-z0-9-]+))?\.([a-z]+)\}/g;

export function portOf(lab: Lab, name: string, placement: Placement, extra?: string): number {
  const spec = lab.services[name]!;
  if (extra === undefined) return placement.ports?.[name] ?? spec.port;
  const declared = spec.extraPorts?.[extra];
  if (!declared) throw new Error(`lab ${lab.id}: service ${name} has no extra port "${extra}"`);
  return placement.ports?.[`${name}.${extra}`] ?? declared.port;
}

/** Every port of every service: its main port (key = service name) and extra ones (`service.extra`). */
export function allPorts(lab: Lab): { key: string; service: string; extra?: string; port: number }[] {
  return Object.entries(lab.services).flatMap(([service, spec]) => [
    { key: service, service, port: spec.port },
    ...Object.entries(spec.extraPorts ?? {}).map(([extra, { port }]) => ({
      key: `${service}.${extra}`,
      service,
      extra,
      port,
    })),
  ]);
}

/** Replaces ${service.addr|url} and ${infra.key} placeholders for one run mode. */
export function resolve(lab: Lab, text: string, placement: Placement): string {
  return text.replace(placeholder, (whole, name: string, extra: string | undefined, key: string) => {
    if (name === 'certs' && extra === undefined && key === 'dir') return certsDirOf(placement);
    const infra = extra === undefined ? placement.infra[`${name}.${key}` as keyof InfraEndpoints] : undefined;
    if (infra !== undefined) return infra;
    if (!lab.services[name]) throw new Error(`lab ${lab.id}: ${whole} names no service or broker`);
    const host = placement.mode === 'native' ? '127.0.0.1' : name;
    const addr = `${host}:${portOf(lab, name, placement, extra)}`;
    if (key === 'addr') return addr;
    if (key === 'url') return `http://${addr}`;
    if (key === 'port') return String(portOf(lab, name, placement, extra));
    throw new Error(`lab ${lab.id}: ${whole}: use .addr, .url or .port`);
  });
}

/** The environment one service starts with in a given mode. */
export function serviceEnv(lab: Lab, name: string, placement: Placement): Record<string, string> {
  const spec = lab.services[name]!;
  const env: Record<string, string> = {
    SERVICE_NAME: name,
    PORT: String(portOf(lab, name, placement)),
    HOST: placement.mode === 'native' ? '127.0.0.1' : '0.0.0.0',
  };
  for (const [extra, { env: variable }] of Object.entries(spec.extraPorts ?? {})) {
    env[variable] = String(portOf(lab, name, placement, extra));
  }
  // The console is optional and never waited for, so its address is not a start-order dependency.
  if (lab.services[consoleName] && name !== consoleName) {
    env.CONSOLE_URL = resolve(lab, `\${${consoleName}.url}`, placement);
  }
  for (const [key, value] of Object.entries(spec.env)) env[key] = resolve(lab, value, placement);
  return env;
}

/** The services a service's configuration calls (names by .addr or .url). */
export function dependencies(spec: ServiceSpec, lab: Lab): string[] {
  const names = Object.values(spec.env).flatMap((value) =>
    [...value.matchAll(placeholder)].filter((m) => m[3] !== 'port').map((m) => m[1]!),
  );
  return [...new Set(names)].filter((name) => name in lab.services);
}

/**
 * Part of a lab: the services named and every service their settings name (by address, URL or
 * port), with nothing else — the console only when named. What `pnpm lab bench` starts for an
 * experiment: a service that has no console reports to none. The part keeps the lab's brokers
 * and the links that name only services it has.
 */
export function partOfLab<L extends Lab>(lab: L, names: readonly string[]): L {
  const kept = new Set<string>();
  const visit = (name: string) => {
    if (kept.has(name)) return;
    if (!lab.services[name]) {
      throw new Error(`lab ${lab.id} has no service ${name} (it has ${Object.keys(lab.services).join(', ')})`);
    }
    kept.add(name);
    servicesNamedIn(Object.values(lab.services[name].env), lab).forEach(visit);
  };
  names.forEach(visit);
  return {
    ...lab,
    services: Object.fromEntries(Object.entries(lab.services).filter(([name]) => kept.has(name))),
    links: lab.links.filter((link) => servicesNamedIn([link.url], lab).every((name) => kept.has(name))),
  };
}

function servicesNamedIn(texts: readonly string[], lab: Lab): string[] {
  return texts.flatMap((text) => [...text.matchAll(placeholder)].map((m) => m[1]!)).filter((n) => n in lab.services);
}

/** Services in an order where each starts after what it depends on. */
export function startOrder(lab: Lab): string[] {
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.includes(name)) return;
    if (path.includes(name))
      throw new Error(`lab ${lab.id}: services depend on each other in a cycle: ${[...path, name].join(' → ')}`);
    for (const dep of dependencies(lab.services[name]!, lab)) visit(dep, [...path, name]);
    order.push(name);
  };
  for (const name of Object.keys(lab.services)) visit(name, []);
  return order;
}

/** Where a placed lab's services are: what verify and reset need, whoever started the lab. */
export interface LabAt {
  /** host:port of a service. */
  addr(name: string): string;
  /** http://host:port of a service. */
  url(name: string): string;
  /** The environment a service runs with. */
  env(name: string): Record<string, string>;
  /** A text with placeholders (`${inventory.thrift.addr}`, `${redis.url}`), resolved for where the lab is. */
  resolve(text: string): string;
}

export function labAt(lab: Lab, placement: Placement): LabAt {
  return {
    addr: (name) => resolve(lab, `\${${name}.addr}`, placement),
    url: (name) => resolve(lab, `\${${name}.url}`, placement),
    env: (name) => serviceEnv(lab, name, placement),
    resolve: (text) => resolve(lab, text, placement),
  };
}

export function healthTarget(spec: ServiceSpec, host: string, port: number, certsDir = nativeCertsDir): string {
  if (spec.health === 'http') return `http://${host}:${port}/readyz`;
  // A gRPC server that requires client certificates is asked over mTLS, as the service itself.
  const { TLS_CA_FILE: ca, TLS_CERT_FILE: cert, TLS_KEY_FILE: key } = spec.env;
  if (!ca || !cert || !key) return `grpc://${host}:${port}`;
  const file = (value: string) => encodeURIComponent(value.replaceAll('${certs.dir}', certsDir));
  return `grpcs://${host}:${port}?ca=${file(ca)}&cert=${file(cert)}&key=${file(key)}`;
}

/** `${certs.dir}` in one placement. */
export function certsDirOf(placement: Placement): string {
  return placement.certsDir ?? (placement.mode === 'native' ? nativeCertsDir : containerCertsDir);
}
