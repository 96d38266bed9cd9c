import Type, { type Static } from 'typebox';
import { CommonConfig, ConfigError } from '@commlab/kit';
import { BusConfig } from '@commlab/events';
import { mtlsListenerConfig, tlsConfig, tokenCheckConfig, tokenClientConfig } from '@commlab/security';
import { eventIdentityConfig } from '@commlab/security/events';
import { ResilienceConfig } from '@commlab/resilience';

export const OrderConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'HTTP port' }),
  INVENTORY_TRANSPORT: Type.Union([Type.Literal('grpc'), Type.Literal('thrift'), Type.Literal('rest')], {
    default: 'grpc',
    description: 'how order calls inventory: grpc, thrift or rest',
  }),
  INVENTORY_ADDR: Type.String({
    default: '127.0.0.1:50051',
    description: 'inventory gRPC address, host:port; several replicas comma-separated, balanced by the client',
  }),
  INVENTORY_THRIFT_ADDR: Type.String({
    default: '127.0.0.1:50052',
    pattern: '^[^:]+:\\d+$',
    description: 'inventory Thrift address, host:port (INVENTORY_TRANSPORT=thrift)',
  }),
  INVENTORY_URL: Type.String({
    default: 'http://127.0.0.1:50053',
    pattern: '^https?://',
    description: 'inventory REST/JSON base URL (INVENTORY_TRANSPORT=rest)',
  }),
  INVENTORY_DEADLINE_MS: Type.Integer({
    default: 2000,
    minimum: 1,
    description: 'how long a stock reservation may take before the order answers 504',
  }),
  REQUEST_BUDGET_MS: Type.Integer({
    default: 10_000,
    minimum: 1,
    maximum: 600_000,
    description: 'time budget of one incoming request; a shorter Request-Timeout header wins',
  }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset = embedded SQLite file' }),
  ),
  ORDER_DB_FILE: Type.Optional(
    Type.String({ description: 'SQLite file when DATABASE_URL is unset; default DATA_DIR/orders.sqlite' }),
  ),
  // Event sourcing (lab 08): the order as its stream of events instead of a row.
  ORDER_STORE: Type.Union([Type.Literal('tables'), Type.Literal('event-store')], {
    default: 'tables',
    description:
      'tables: an orders row plus an outbox table; event-store: each order is a stream in @commlab/event-store (needs DATABASE_URL, a CHECKOUT_MODE other than sync)',
  }),
  ORDER_STORE_SCHEMA: Type.Optional(
    Type.String({
      pattern: '^[a-z_][a-z0-9_]{0,62}$',
      description: 'PostgreSQL schema of the event store; default: EVENT_NAMESPACE made a name (each lab run its own)',
    }),
  ),
  ORDER_SNAPSHOT_EVERY: Type.Integer({
    default: 50,
    minimum: 0,
    description: 'event-store: snapshot an order stream each time its version crosses a multiple of this; 0 = never',
  }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 1_048_576, minimum: 1024, description: 'largest accepted request body' }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({
    default: 0,
    minimum: 0,
    description: 'requests per minute per client address on the orders API, then 429; 0 = no limit',
  }),
  // Load shedding at the edge (lab 11, @fastify/under-pressure): new orders refused at once while the process is overloaded.
  SHED_EVENT_LOOP_PERCENT: Type.Number({
    default: 0,
    minimum: 0,
    maximum: 100,
    description:
      'answer new orders 503 overloaded (Retry-After) while the event loop was busy more than this share of the last sample; 0 = never',
  }),
  SHED_EVENT_LOOP_DELAY_MS: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 60_000,
    description: '… or while timers ran this much late on average over the last sample; 0 = never',
  }),
  SHED_SAMPLE_MS: Type.Integer({
    default: 1000,
    minimum: 10,
    maximum: 60_000,
    description: 'how often the event loop is sampled for load shedding',
  }),
  // Events (lab 02): how checkout gets its stock, and where the order events go.
  CHECKOUT_MODE: Type.Union(
    [Type.Literal('sync'), Type.Literal('async'), Type.Literal('choreography'), Type.Literal('orchestration')],
    {
      default: 'sync',
      description:
        'sync: reserve stock over gRPC before answering 201; async: answer 202 pending, finish by events; choreography: async plus the payment step by events (a saga, lab 08); orchestration: 202 pending, a saga orchestrator calls inventory and payment (lab 08)',
    },
  ),
  PAYMENT_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'payment base URL (CHECKOUT_MODE=orchestration)' }),
  ),
  SAGA_DB_FILE: Type.Optional(
    Type.String({ description: "SQLite file of the saga orchestrator's sagas; default DATA_DIR/sagas.sqlite" }),
  ),
  SAGA_RETRY_MS: Type.Integer({
    default: 1000,
    minimum: 50,
    maximum: 600_000,
    description: 'CHECKOUT_MODE=orchestration: how often unfinished sagas (a participant was down) are driven again',
  }),
  ...BusConfig,
  // Resilience at the order → inventory seam (lab 11): timeouts, retries, circuit breaker.
  ...ResilienceConfig,
  // Not on/off: YAML 1.1 readers of a Compose file (podman-compose) would make those booleans.
  INVENTORY_FALLBACK: Type.Union([Type.Literal('none'), Type.Literal('pending')], {
    default: 'none',
    description:
      'sync checkout with inventory unavailable or timing out: none answers 503/504 and stores nothing; pending accepts the order pending (202) and reserves its stock once inventory answers again',
  }),
  PENDING_RETRY_MS: Type.Integer({
    default: 1000,
    minimum: 50,
    maximum: 600_000,
    description: 'INVENTORY_FALLBACK=pending: how often the orders it accepted pending try their reservation again',
  }),
  EVENT_RELAY_INTERVAL_MS: Type.Integer({
    default: 1000,
    minimum: 50,
    description: 'how often events still unpublished (broker was down) are published again',
  }),
  // Security (lab 09): access tokens on the orders API, a client-credentials token and mTLS to inventory.
  ...tokenCheckConfig('urn:commlab:order'),
  ...tokenClientConfig,
  ...tlsConfig,
  ...mtlsListenerConfig,
  ...eventIdentityConfig,
});

export type OrderSettings = Static<typeof OrderConfig>;

/** Settings that only make sense together; checked at start-up like the schema. */
export function checkOrderConfig(config: {
  CHECKOUT_MODE: string;
  EVENT_BUS: string;
  INVENTORY_FALLBACK?: string;
  ORDER_STORE?: string;
  DATABASE_URL?: string | undefined;
  PAYMENT_URL?: string | undefined;
}): void {
  if (config.INVENTORY_FALLBACK === 'pending' && config.CHECKOUT_MODE !== 'sync') {
    throw new ConfigError([
      `INVENTORY_FALLBACK: pending is a fallback of sync checkout (got CHECKOUT_MODE=${config.CHECKOUT_MODE}, which accepts every order pending already)`,
    ]);
  }
  if ((config.CHECKOUT_MODE === 'async' || config.CHECKOUT_MODE === 'choreography') && config.EVENT_BUS === 'none') {
    throw new ConfigError([
      `CHECKOUT_MODE: ${config.CHECKOUT_MODE} checkout needs an event bus (got EVENT_BUS=none); set EVENT_BUS`,
    ]);
  }
  if (config.CHECKOUT_MODE === 'orchestration' && !config.PAYMENT_URL) {
    throw new ConfigError([
      'PAYMENT_URL: the saga orchestrator (CHECKOUT_MODE=orchestration) calls payment; set PAYMENT_URL',
    ]);
  }
  if (config.ORDER_STORE === 'event-store') {
    const problems = [
      ...(config.DATABASE_URL
        ? []
        : ['DATABASE_URL: ORDER_STORE=event-store keeps its streams in PostgreSQL; set DATABASE_URL']),
      // A synchronous checkout stores placed and confirmed as one change (version 1); a stream counts two events.
      ...(config.CHECKOUT_MODE !== 'sync'
        ? []
        : [
            'CHECKOUT_MODE: ORDER_STORE=event-store needs CHECKOUT_MODE=async, choreography or orchestration (one event per change of the order)',
          ]),
    ];
    if (problems.length > 0) throw new ConfigError(problems);
  }
}
