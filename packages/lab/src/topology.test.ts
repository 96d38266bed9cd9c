import { describe, expect, it } from 'vitest';
import { testLab } from './testing/fixtures.ts';
import { allPorts, composeInfra, partOfLab, resolve, serviceEnv, startOrder } from './topology.ts';

const lab = testLab('test-lab', {
  eventBus: 'kafka',
  services: {
    gateway: { env: { ORDER_URL: '${order.url}' } },
    order: { env: { INVENTORY_ADDR: '${inventory.addr}' } },
    inventory: {},
  },
});

describe('lab topology', () => {
  it('starts every service after the services it names, the console after what it shows', () => {
    expect(startOrder(lab)).toEqual(['inventory', 'order', 'gateway', 'console']);
  });

  it('resolves addresses to loopback natively and to service names in Compose', () => {
    const native = { mode: 'native' as const, infra: { 'kafka.brokers': '127.0.0.1:9092' } };
    expect(serviceEnv(lab, 'order', native)).toEqual({
      SERVICE_NAME: 'order',
      PORT: '3000',
      HOST: '127.0.0.1',
      CONSOLE_URL: 'http://127.0.0.1:3080',
      INVENTORY_ADDR: '127.0.0.1:50051',
      EVENT_BUS: 'kafka',
      KAFKA_BROKERS: '127.0.0.1:9092',
      EVENT_NAMESPACE: 'labtest',
    });
    expect(serviceEnv(lab, 'order', { mode: 'compose', infra: composeInfra })).toMatchObject({
      HOST: '0.0.0.0',
      CONSOLE_URL: 'http://console:3080',
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
    const cyclic = testLab('test-lab', {
      services: {
        order: { env: { PEER: '${gateway.url}' } },
        gateway: { env: { ORDER_URL: '${order.url}' } },
      },
    });
    expect(() => startOrder(cyclic)).toThrow(/cycle: order → gateway → order/);
  });
});

describe('extra ports', () => {
  const withThrift = testLab('extra-lab', {
    services: {
      inventory: { extraPorts: { thrift: { port: 50052, env: 'THRIFT_PORT' } } },
      order: { env: { INVENTORY_THRIFT_ADDR: '${inventory.thrift.addr}' } },
    },
  });

  it('passes each extra port to its service and resolves placeholders naming it, in both modes', () => {
    const native = { mode: 'native' as const, infra: {} };
    expect(serviceEnv(withThrift, 'inventory', native)).toMatchObject({ PORT: '50051', THRIFT_PORT: '50052' });
    expect(serviceEnv(withThrift, 'order', native).INVENTORY_THRIFT_ADDR).toBe('127.0.0.1:50052');
    expect(serviceEnv(withThrift, 'order', { mode: 'compose', infra: composeInfra }).INVENTORY_THRIFT_ADDR).toBe(
      'inventory:50052',
    );
  });

  it('follows an extra port moved for a test run, and orders services by it', () => {
    const placement = { mode: 'native' as const, infra: {}, ports: { 'inventory.thrift': 41052 } };
    expect(serviceEnv(withThrift, 'inventory', placement).THRIFT_PORT).toBe('41052');
    expect(resolve(withThrift, '${inventory.thrift.addr}', placement)).toBe('127.0.0.1:41052');
    expect(startOrder(withThrift)).toEqual(['inventory', 'order', 'console']);
  });

  it('lists every port of the lab', () => {
    expect(allPorts(withThrift).map((p) => `${p.key}=${p.port}`)).toEqual([
      'inventory=50051',
      'inventory.thrift=50052',
      'order=3000',
      'console=3080',
    ]);
  });

  it('rejects a placeholder naming an extra port the service lacks', () => {
    expect(() => resolve(withThrift, '${order.thrift.addr}', { mode: 'native', infra: {} })).toThrow(/no extra port/);
  });
});

describe('a part of a lab', () => {
  const lab = testLab('part-lab', {
    eventBus: 'kafka',
    services: {
      gateway: { env: { ORDER_URL: '${order.url}' } },
      order: { env: { INVENTORY_ADDR: '${inventory.addr}' } },
      inventory: {},
      notification: {},
    },
    links: [
      { label: 'Orders', url: '${order.url}/orders' },
      { label: 'Gateway', url: '${gateway.url}' },
    ],
  });

  it('keeps the services named and those their settings name, without the console or anything else', () => {
    const part = partOfLab(lab, ['order']);
    expect(Object.keys(part.services)).toEqual(['order', 'inventory']);
    const native = { mode: 'native' as const, infra: { 'kafka.brokers': '127.0.0.1:9092' } };
    expect(serviceEnv(part, 'order', native).CONSOLE_URL).toBeUndefined();
    expect(part.infra).toEqual(lab.infra);
  });

  it('keeps a service named only by its port, and what that one names, so every setting still resolves', () => {
    // notification's allowed origins name the console's port; the console's settings name order.
    expect(Object.keys(partOfLab(lab, ['notification']).services)).toEqual([
      'order',
      'inventory',
      'notification',
      'console',
    ]);
  });

  it('keeps only the links naming services it has', () => {
    expect(partOfLab(lab, ['order']).links.map((link) => link.label)).toEqual(['Orders', 'Kafka (bootstrap)']);
  });

  it('refuses a service the lab does not have, naming those it has', () => {
    expect(() => partOfLab(lab, ['billing'])).toThrow(
      'lab part-lab has no service billing (it has gateway, order, inventory, notification, console)',
    );
  });
});
