/**
 * A lab's topology: which services run, wired how. A `labs/NN-name/lab.ts` lists only what its
 * lab changes; everything else comes from each service's own defaults (the `lab` field of
 * `services/<name>/package.json`: port, readiness probe, memory, the brokers its settings pick)
 * and from the lab package (the lab console, the lab's broker namespace). One definition drives
 * both run modes: the native runner (`pnpm lab up`) and the generated Compose file.
 *
 * Environment values may name other parts of the lab with placeholders, resolved per run mode:
 *   ${inventory.addr}  host:port of the `inventory` service (127.0.0.1:50051 / inventory:50051)
 *   ${order.url}       http://host:port of the `order` service
 *   ${inventory.thrift.addr}  host:port of a service's extra port named `thrift` (see extraPorts)
 *   ${console.port}    just the port (what a browser on this machine uses in either mode)
 *   ${kafka.brokers} ${rabbitmq.url} ${postgres.url} ${redis.url}   the brokers', database's and cache's endpoints
 *   ${zipkin.url} ${prometheus.url}   the trace backend and the metrics server (chapter 14)
 *   ${kafka-cluster.brokers} ${rabbitmq-cluster.url}   every node of the three-node clusters (src/clusters.ts)
 *   ${postgres-logical.url} ${kafka-connect.url}   PostgreSQL with logical decoding and the Kafka
 *                      Connect worker with Debezium (lab 08's log-based outbox)
 *
 * A service that names another by `.addr` or `.url` calls it, so it starts after it; naming
 * only a `.port` implies no start order. A service that names a broker needs it: a lab's
 * brokers are exactly those its services' settings name (plus `brokers` for a lab of demos).
 */
export type Infra =
  | 'kafka'
  | 'rabbitmq'
  | 'postgres'
  | 'redis'
  | 'zipkin'
  | 'prometheus'
  | 'kafka-cluster'
  | 'rabbitmq-cluster'
  | 'postgres-logical'
  | 'kafka-connect';
export const infraNames: readonly Infra[] = [
  'rabbitmq',
  'kafka',
  'postgres',
  'redis',
  'zipkin',
  'prometheus',
  'kafka-cluster',
  'rabbitmq-cluster',
  'postgres-logical',
  'kafka-connect',
];

/** The brokers a service's EVENT_BUS can name. */
export type EventBus = 'rabbitmq' | 'kafka';

/** A service's own defaults: the `lab` field of `services/<name>/package.json`. */
export interface ServiceDefaults {
  /** The port the service listens on unless a lab moves it (its config's PORT default). */
  port: number;
  /** How readiness is asked: GET /readyz over HTTP, or the gRPC health service. */
  health: 'http' | 'grpc';
  /** Compose memory limit, e.g. "192m". */
  memory: string;
  /**
   * Settings that pick a broker, and what the service then needs to reach it, e.g.
   * `{ "EVENT_BUS=kafka": { "KAFKA_BROKERS": "${kafka.brokers}" } }`.
   */
  brokers?: Record<string, Record<string, string>>;
  /**
   * Settings with which the service keeps its data in PostgreSQL in a schema of the run's own,
   * `<prefix>_<EVENT_NAMESPACE>` (@commlab/events namespaceSchema), by prefix, e.g.
   * `{ "ORDER_STORE=event-store": "es" }`: `lab reset` drops those schemas.
   */
  schemas?: Record<string, string>;
  /** Settings the service gets in every lab (placeholders allowed). */
  env?: Record<string, string>;
}

/** One service as a lab.ts lists it: only what this lab changes about it. */
export interface LabService {
  /** Folder under services/ whose src/main.ts runs; default: the service's name in the lab. */
  service?: string;
  port?: number;
  /**
   * Further ports the service listens on (e.g. Thrift beside gRPC), by name: each is passed to
   * the service in its `env` variable, published by Compose, and moved to a free port in tests.
   */
  extraPorts?: Record<string, { port: number; env: string }>;
  memory?: string;
  env?: Record<string, string>;
  /**
   * Compose bind mounts, relative to the lab's folder (`../../.run/certs:/app/.run/certs:ro`):
   * files a service reads that the host makes (lab 07's sidecars read their certificates).
   * Natively the service runs in the repository and finds them there.
   */
  volumes?: string[];
  /**
   * Another service of the lab this one is a replica of (same `service`, own port): it keeps
   * its data where that one does — natively the same DATA_DIR, in Compose one named volume
   * mounted in both — so the replicas serve one store; and its exit does not stop `lab up`
   * (killing a replica is what a reader does to watch the failover).
   */
  replicaOf?: string;
}

/** What a `labs/NN-name/lab.ts` exports; the lab's id is its folder's name. */
export interface LabDefinition {
  /** The event bus of every service that has one (its defaults name EVENT_BUS); none when unset. */
  eventBus?: EventBus;
  services: Record<string, LabService>;
  /** Brokers the lab needs beyond what its services' settings name (a lab of demos has no services). */
  brokers?: Infra[];
  /** Shown when the lab is up; `url` may use placeholders. */
  links: { label: string; url: string }[];
  /** Commands the reader runs next, shown by `lab up`. */
  commands?: { label: string; command: string }[];
  /**
   * The lab's services read runtime fault dials (`pnpm lab fault`) from a flag file: each gets
   * FAULTS_FILE, natively the file itself, in Compose the file in a mounted folder (see faults.ts).
   */
  faults?: boolean;
  /**
   * Under Compose only, a dashboard: Grafana, provisioned from the lab's `grafana/` folder
   * (`datasources/` reading the lab's Prometheus at `${PROMETHEUS_URL}`, `dashboards/`), open
   * to anonymous viewers, with `home` (a file in `grafana/dashboards/`) as its home page. Needs
   * `prometheus` among the lab's brokers. Natively nothing starts: link Prometheus' own graph pages.
   */
  grafana?: { home: string };
}

export function defineLab(definition: LabDefinition): LabDefinition {
  return definition;
}

/** One service of a lab, with its defaults applied and its settings complete. */
export interface ServiceSpec {
  service: string;
  port: number;
  extraPorts?: Record<string, { port: number; env: string }>;
  health: 'http' | 'grpc';
  memory: string;
  env: Record<string, string>;
  volumes?: string[];
  /** The service whose data this replica shares (lab.ts `replicaOf`). */
  replicaOf?: string;
  /** Prefixes of the PostgreSQL schemas it keeps this run's data in (its defaults' `schemas` its settings pick). */
  schemas?: string[];
}

/** A lab as it runs: its id, every service (the console included) and the brokers they need. */
export interface Lab {
  id: string;
  infra: Infra[];
  services: Record<string, ServiceSpec>;
  links: { label: string; url: string }[];
  commands?: { label: string; command: string }[];
  faults?: boolean;
  grafana?: { home: string };
}

/** What one run changes (a test's settings, `EVENT_BUS=kafka pnpm lab up`). */
export interface RunOptions {
  /** Another event bus for a lab that has one (lab.ts `eventBus`); ignored for a lab without. */
  eventBus?: EventBus;
  /** Settings per service, over the lab's, e.g. { notification: { PUSH_HEARTBEAT_MS: '200' } }. */
  env?: Record<string, Record<string, string>>;
}
