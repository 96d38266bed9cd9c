import type { LabDefinition, RunOptions, ServiceDefaults } from '../define.ts';
import { resolveLab } from '../resolve-lab.ts';

const bus = {
  'EVENT_BUS=rabbitmq': { AMQP_URL: '${rabbitmq.url}' },
  'EVENT_BUS=kafka': { KAFKA_BROKERS: '${kafka.brokers}' },
};

/** Service defaults as unit tests assume them, independent of what services/ declares today. */
export const testDefaults: Record<string, ServiceDefaults> = {
  order: { port: 3000, health: 'http', memory: '192m', brokers: bus },
  inventory: { port: 50051, health: 'grpc', memory: '160m', brokers: bus },
  notification: {
    port: 3001,
    health: 'http',
    memory: '128m',
    brokers: bus,
    env: { PUSH_ALLOWED_ORIGINS: 'http://127.0.0.1:${console.port}' },
  },
  gateway: { port: 8080, health: 'http', memory: '128m' },
  console: { port: 3080, health: 'http', memory: '96m' },
};

/** A lab resolved against testDefaults, for unit tests. */
export function testLab(id: string, definition: Partial<LabDefinition>, options: RunOptions = {}) {
  return resolveLab(id, { services: {}, links: [], ...definition }, options, (service) => {
    const defaults = testDefaults[service];
    if (!defaults) throw new Error(`no test defaults for ${service}`);
    return defaults;
  });
}
