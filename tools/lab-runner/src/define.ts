/**
 * A lab's topology: which services run, on which ports, wired how, and which brokers they
 * need. This one definition drives both the native runner (`pnpm lab up`) and the
 * generated Compose file, so the two cannot drift.
 *
 * Environment values may name other parts of the lab with placeholders, resolved per run mode:
 *   ${inventory.addr}  host:port of the `inventory` service (127.0.0.1:50051 / inventory:50051)
 *   ${order.url}       http://host:port of the `order` service
 *   ${inventory.thrift.addr}  host:port of a service's extra port named `thrift` (see extraPorts)
 *   ${console.port}    just the port (what a browser on this machine uses in either mode)
 *   ${kafka.brokers} ${rabbitmq.url} ${postgres.url} ${redis.url}   the brokers', database's and cache's endpoints
 *
 * A service that names another by `.addr` or `.url` calls it, so it starts after it; naming
 * only a `.port` implies no start order.
 */
export type Infra = 'kafka' | 'rabbitmq' | 'postgres' | 'redis';

export interface ServiceSpec {
  /** Folder under services/ whose src/main.ts runs. */
  service: string;
  port: number;
  /**
   * Further ports the service listens on (e.g. Thrift beside gRPC), by name: each is passed to
   * the service in its `env` variable, published by Compose, and moved to a free port in tests.
   */
  extraPorts?: Record<string, { port: number; env: string }>;
  /** How readiness is asked: GET /readyz over HTTP, or the gRPC health service. */
  health: 'http' | 'grpc';
  env?: Record<string, string>;
  /** Compose memory limit. */
  memory?: string;
}

/**
 * The live lab console (services/console): a page showing the running services and every
 * message crossing every edge. With it, every other service gets CONSOLE_URL and reports its
 * edge crossings there.
 */
export interface ConsoleSpec {
  port: number;
  env?: Record<string, string>;
}

export interface LabSpec {
  id: string;
  infra: Infra[];
  services: Record<string, ServiceSpec>;
  console?: ConsoleSpec;
  /** Shown when the lab is up; `url` may use placeholders. */
  links: { label: string; url: string }[];
  /** Commands the reader runs next (a lab of demos may have no services at all), shown by `lab up`. */
  commands?: { label: string; command: string }[];
}

export function defineLab(spec: LabSpec): LabSpec {
  if (!spec.console) return spec;
  const console: ServiceSpec = {
    service: 'console',
    port: spec.console.port,
    health: 'http',
    memory: '96m',
    env: spec.console.env ?? {},
  };
  return {
    ...spec,
    services: { ...spec.services, console },
    links: [{ label: 'Lab console', url: '${console.url}' }, ...spec.links],
  };
}
