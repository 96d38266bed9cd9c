import { describe, expect, it } from 'vitest';
import { formatLabPorts, parseLabPorts } from './lab-ports.ts';
import { testLab } from './testing/fixtures.ts';

const lab = testLab('test-lab', { services: { order: {}, inventory: {} } });

describe('COMMLAB_LAB_PORTS', () => {
  it('reads the ports it names and reads back what it writes', () => {
    const ports = { order: 41000, inventory: 41001 };
    expect(parseLabPorts(lab, formatLabPorts(ports))).toEqual(ports);
    expect(parseLabPorts(lab, ' order = 41000 ')).toEqual({ order: 41000 });
  });

  it('leaves every service on its default port when unset or empty', () => {
    expect(parseLabPorts(lab, undefined)).toEqual({});
    expect(parseLabPorts(lab, '')).toEqual({});
  });

  it('refuses a service the lab does not have, naming the ones it has', () => {
    expect(() => parseLabPorts(lab, 'gateway=8080')).toThrow(
      'COMMLAB_LAB_PORTS: "gateway" is no service of lab test-lab (order, inventory, console)',
    );
  });

  it.each(['order=', 'order=http', 'order=0', 'order=70000', 'order=30.5', 'order'])(
    'refuses "%s" as a port',
    (text) => {
      expect(() => parseLabPorts(lab, text)).toThrow(/COMMLAB_LAB_PORTS: ".*" is no port for order/);
    },
  );
});
