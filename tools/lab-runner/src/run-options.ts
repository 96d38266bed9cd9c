import type { RunOptions } from '@commlab/lab/runner';

/**
 * What the reader's environment changes about a lab for `pnpm lab up`, `verify` and `reset`:
 * EVENT_BUS=kafka switches a lab that has an event bus (lab 01, 02) from RabbitMQ to Kafka.
 */
export function runOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const bus = env.EVENT_BUS;
  if (bus === undefined || bus === '') return {};
  if (bus !== 'rabbitmq' && bus !== 'kafka') throw new Error(`EVENT_BUS is "${bus}"; use rabbitmq or kafka`);
  return { eventBus: bus };
}
