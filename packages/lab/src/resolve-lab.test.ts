import { describe, expect, it } from 'vitest';
import { testLab } from './testing/fixtures.ts';

describe('a lab resolved from its lab.ts and its services own defaults', () => {
  it("takes each service's port, probe and memory from its defaults unless the lab changes them", () => {
    const lab = testLab('02-test', {
      services: { inventory: {}, 'order-async': { service: 'order', port: 3002, memory: '256m' } },
    });
    expect(lab.services.inventory).toMatchObject({ service: 'inventory', port: 50051, health: 'grpc', memory: '160m' });
    expect(lab.services['order-async']).toMatchObject({ service: 'order', port: 3002, health: 'http', memory: '256m' });
  });

  it("gives every service that has an event bus the lab's, with what it needs to reach that broker", () => {
    const lab = testLab('02-test', { eventBus: 'rabbitmq', services: { inventory: {}, gateway: {} } });
    expect(lab.services.inventory!.env).toEqual({
      EVENT_BUS: 'rabbitmq',
      AMQP_URL: '${rabbitmq.url}',
      EVENT_NAMESPACE: 'lab02',
    });
    expect(lab.services.gateway!.env).toEqual({});
    expect(lab.infra).toEqual(['rabbitmq']);
  });

  it("takes the lab's brokers from what its services' settings name, never from a second list", () => {
    expect(testLab('01-test', { services: { order: {} } }).infra).toEqual([]);
    expect(testLab('01-test', { eventBus: 'kafka', services: { order: {} } }).infra).toEqual(['kafka']);
    const withDatabase = testLab('01-test', { services: { order: { env: { DATABASE_URL: '${postgres.url}' } } } });
    expect(withDatabase.infra).toEqual(['postgres']);
    expect(testLab('05-test', { brokers: ['kafka', 'rabbitmq'] }).infra).toEqual(['rabbitmq', 'kafka']);
  });

  it('tells the logical PostgreSQL from the shared one, and gives a lab with Kafka Connect the Kafka it writes to', () => {
    const lab = testLab('08-test', {
      services: {
        order: { env: { DATABASE_URL: '${postgres-logical.url}' } },
        gateway: { env: { CONNECT_URL: '${kafka-connect.url}' } },
      },
    });
    expect(lab.infra).toEqual(['kafka', 'postgres-logical', 'kafka-connect']);
  });

  it('switches a run to another event bus, and its brokers with it', () => {
    const lab = testLab('02-test', { eventBus: 'rabbitmq', services: { order: {} } }, { eventBus: 'kafka' });
    expect(lab.services.order!.env).toMatchObject({ EVENT_BUS: 'kafka', KAFKA_BROKERS: '${kafka.brokers}' });
    expect(lab.services.order!.env).not.toHaveProperty('AMQP_URL');
    expect(lab.infra).toEqual(['kafka']);
  });

  it('gives a lab without an event bus none, whatever the run asks', () => {
    const lab = testLab('03-test', { services: { order: {} } }, { eventBus: 'kafka' });
    expect(lab.services.order!.env).toEqual({});
    expect(lab.infra).toEqual([]);
  });

  it("lays a run's settings over the lab's, and a lab's over the service's", () => {
    const lab = testLab(
      '06-test',
      { services: { notification: { env: { PUSH_HEARTBEAT_MS: '10000', PUSH_INJECT: 'true' } } } },
      { env: { notification: { PUSH_HEARTBEAT_MS: '300' } } },
    );
    expect(lab.services.notification!.env).toEqual({
      PUSH_ALLOWED_ORIGINS: 'http://127.0.0.1:${console.port}',
      PUSH_HEARTBEAT_MS: '300',
      PUSH_INJECT: 'true',
    });
  });

  it('keeps an EVENT_NAMESPACE the lab sets itself', () => {
    const lab = testLab('01-test', { eventBus: 'rabbitmq', services: { order: { env: { EVENT_NAMESPACE: 'shop' } } } });
    expect(lab.services.order!.env.EVENT_NAMESPACE).toBe('shop');
  });

  it('adds the console to every lab with services, showing its first order and notification service', () => {
    const lab = testLab('02-test', {
      services: { 'order-sync': { service: 'order' }, 'order-async': { service: 'order' }, notification: {} },
      links: [{ label: 'Orders', url: '${order-sync.url}/orders' }],
    });
    expect(lab.services.console).toEqual({
      service: 'console',
      port: 3080,
      health: 'http',
      memory: '96m',
      env: { LAB_ID: '02-test', ORDER_URL: '${order-sync.url}', NOTIFICATION_PORT: '${notification.port}' },
    });
    expect(lab.links.map((link) => link.label)).toEqual(['Lab console', 'Orders']);
    expect(testLab('05-test', { brokers: ['kafka'] }).services).toEqual({});
  });

  it('lets a lab.ts change the console like any of its services', () => {
    const lab = testLab('06-test', {
      services: { order: {}, console: { port: 4080, env: { PUSH_TOKEN_SECRET: 's' } } },
    });
    expect(lab.services.console).toMatchObject({
      port: 4080,
      env: { LAB_ID: '06-test', ORDER_URL: '${order.url}', PUSH_TOKEN_SECRET: 's' },
    });
  });

  it("links the lab's brokers after its own links", () => {
    const lab = testLab('02-test', { eventBus: 'kafka', services: { order: {} } });
    expect(lab.links.at(-1)).toEqual({ label: 'Kafka (bootstrap)', url: '${kafka.brokers}' });
  });

  it('names what is wrong: a broker a service cannot use, a service the lab lacks', () => {
    expect(() => testLab('01-test', { services: { gateway: { env: { EVENT_BUS: 'kafka' } } } })).toThrow(
      'lab 01-test: gateway cannot use EVENT_BUS=kafka: services/gateway/package.json "lab" has no "EVENT_BUS=kafka"',
    );
    expect(() => testLab('01-test', { services: { order: {} } }, { env: { billing: { X: '1' } } })).toThrow(
      'lab 01-test has no service billing',
    );
  });

  it('lets a replica name the service it replicates, and refuses one of another service or of a replica', () => {
    const lab = testLab('11-test', {
      services: { inventory: {}, 'inventory-2': { service: 'inventory', port: 50054, replicaOf: 'inventory' } },
    });
    expect(lab.services['inventory-2']).toMatchObject({ service: 'inventory', port: 50054, replicaOf: 'inventory' });
    expect(() =>
      testLab('11-test', { services: { order: {}, 'inventory-2': { service: 'inventory', replicaOf: 'order' } } }),
    ).toThrow('inventory-2 (services/inventory) cannot be a replica of order');
    expect(() =>
      testLab('11-test', { services: { 'inventory-2': { service: 'inventory', replicaOf: 'inventory' } } }),
    ).toThrow('inventory-2 is a replica of inventory, which the lab does not have');
  });
});
