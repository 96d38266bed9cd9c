import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { servicesDir } from './paths.ts';
import { checkDefaults, serviceDefaults } from './service-defaults.ts';

describe('a service\'s own lab defaults (package.json "lab")', () => {
  const services = readdirSync(servicesDir, { withFileTypes: true }).filter((e) => e.isDirectory());

  it.each(services.map((entry) => entry.name))('are declared and well formed for %s', (service) => {
    expect(serviceDefaults(service)).toMatchObject({
      port: expect.any(Number),
      health: expect.stringMatching(/^(http|grpc)$/),
    });
  });

  it.each([
    [undefined, 'where: missing; give port, health and memory'],
    [{ port: 0, health: 'http', memory: '1m' }, 'where: port must be a port number, got 0'],
    [{ port: 1, health: 'tcp', memory: '1m' }, 'where: health must be "http" or "grpc", got "tcp"'],
    [{ port: 1, health: 'http', memory: 'lots' }, 'where: memory must be a Compose limit such as "192m", got "lots"'],
    [
      { port: 1, health: 'http', memory: '1m', ports: 2 },
      'where: unknown field ports (known: port, health, memory, brokers, schemas, env)',
    ],
    [
      { port: 1, health: 'http', memory: '1m', brokers: { kafka: {} } },
      'where: brokers: "kafka" is no SETTING=value condition',
    ],
    [{ port: 1, health: 'http', memory: '1m', env: { A: 1 } }, 'where: env must map setting names to strings'],
    [
      { port: 1, health: 'http', memory: '1m', schemas: { 'STORE=pg': 'Orders!' } },
      'where: schemas["STORE=pg"]: "Orders!" is no schema prefix (a-z, 0-9, _)',
    ],
  ])('refuses %j, naming what is wrong', (value, message) => {
    expect(() => checkDefaults(value, 'where')).toThrow(message);
  });

  it('names a service that does not exist', () => {
    expect(() => serviceDefaults('billing')).toThrow(
      'there is no service "billing" (no services/billing/package.json)',
    );
  });
});
