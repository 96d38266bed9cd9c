import { describe, expect, it } from 'vitest';
import { defineLab } from './define.ts';
import { composeInfra, resolve, serviceEnv, startOrder } from './topology.ts';

const lab = defineLab({
  id: 'test-lab',
  infra: ['kafka'],
  services: {
    gateway: { service: 'gateway', port: 8080, health: 'http', env: { ORDER_URL: '${order.url}' } },
    order: {
      service: 'order',
      port: 3000,
      health: 'http',
      env: { INVENTORY_ADDR: '${inventory.addr}', KAFKA_BROKERS: '${kafka.brokers}' },
    },
    inventory: { service: 'inventory', port: 50051, health: 'grpc' },
  },
  links: [],
});

describe('lab topology', () => {
  it('starts every service after the services it names', () => {
    expect(startOrder(lab)).toEqual(['inventory', 'order', 'gateway']);
  });

  it('resolves addresses to loopback natively and to service names in Compose', () => {
    const native = { mode: 'native' as const, infra: { 'kafka.brokers': '127.0.0.1:9092' } };
    expect(serviceEnv(lab, 'order', native)).toEqual({
      SERVICE_NAME: 'order',
      PORT: '3000',
      HOST: '127.0.0.1',
      INVENTORY_ADDR: '127.0.0.1:50051',
      KAFKA_BROKERS: '127.0.0.1:9092',
    });
    expect(serviceEnv(lab, 'order', { mode: 'compose', infra: composeInfra })).toMatchObject({
      HOST: '0.0.0.0',
      INVENTORY_ADDR: 'inventory:50051',
      KAFKA_BROKERS: 'kafka:9092',
    });
  });

  it('follows ports moved for a test run', () => {
    const placement = { mode: 'native' as const, infra: {}, ports: { order: 41000 } };
    expect(resolve(lab, '${order.url}/orders', placement)).toBe('http://127.0.0.1:41000/orders');
  });

  it('rejects a placeholder that names nothing in the lab', () => {
    expect(() => resolve(lab, '${billing.url}', { mode: 'native', infra: {} })).toThrow(/names no service or broker/);
  });

  it('rejects services that depend on each other in a cycle', () => {
    const cyclic = defineLab({
      ...lab,
      services: {
        a: { service: 'a', port: 1, health: 'http', env: { B: '${b.url}' } },
        b: { service: 'b', port: 2, health: 'http', env: { A: '${a.url}' } },
      },
    });
    expect(() => startOrder(cyclic)).toThrow(/cycle/);
  });
});
