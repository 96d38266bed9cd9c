import Type, { type Static } from 'typebox';

/**
 * The resilience of one outbound seam, chosen by configuration (a lab turns each pattern on in
 * its lab.ts). Defaults change nothing: one attempt, no breaker, only the caller's deadline.
 * Spread into a service's config schema, so a bad value stops start-up naming the variable.
 */
export const ResilienceConfig = {
  CALL_TIMEOUT_MS: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 600_000,
    description:
      "deadline of each attempt at an outbound call, within what is left of the caller's; 0 = only the caller's",
  }),
  RETRY_MAX_ATTEMPTS: Type.Integer({
    default: 1,
    minimum: 1,
    maximum: 10,
    description: 'attempts at an idempotent outbound call (1 = no retries); backoff is exponential with full jitter',
  }),
  RETRY_BASE_MS: Type.Integer({
    default: 50,
    minimum: 1,
    maximum: 60_000,
    description: 'first retry waits up to this long',
  }),
  RETRY_MAX_DELAY_MS: Type.Integer({
    default: 1000,
    minimum: 1,
    maximum: 600_000,
    description: 'no retry waits longer than this',
  }),
  RETRY_BUDGET_PERCENT: Type.Number({
    default: 10,
    minimum: 0,
    maximum: 100,
    description: 'retries allowed, as a share of calls (a token bucket, as gRPC retry throttling); past it, no retries',
  }),
  BULKHEAD_MAX_CONCURRENT: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 10_000,
    description: 'bulkhead: calls in flight to the dependency at once, the rest queue or are refused; 0 = no cap',
  }),
  BULKHEAD_QUEUE: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 10_000,
    description: 'bulkhead: calls that may wait for a slot; past it a call is refused at once',
  }),
  // Not on/off: YAML 1.1 readers of a Compose file (podman-compose) would make those booleans.
  BREAKER: Type.Union([Type.Literal('none'), Type.Literal('opossum')], {
    default: 'none',
    description: 'circuit breaker on the outbound call: opossum, or none',
  }),
  BREAKER_ERROR_PERCENT: Type.Number({
    default: 50,
    exclusiveMinimum: 0,
    maximum: 100,
    description: 'the breaker opens when this share of calls in its window failed …',
  }),
  BREAKER_VOLUME: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 10_000,
    description: '… and at least this many calls were made in the window',
  }),
  BREAKER_WINDOW_MS: Type.Integer({
    default: 10_000,
    minimum: 100,
    maximum: 600_000,
    description: 'the breaker counts calls over this rolling window',
  }),
  BREAKER_RESET_MS: Type.Integer({
    default: 5000,
    minimum: 1,
    maximum: 600_000,
    description: 'an open breaker lets one trial call through (half-open) after this long',
  }),
};

export const ResilienceSchema = Type.Object(ResilienceConfig);
export type ResilienceSettings = Static<typeof ResilienceSchema>;
