import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeInfra, resolveLab, type ServiceDefaults } from '@commlab/lab/runner';
import { examine, type Machine } from './doctor.ts';

const listening = () =>
  new Promise<Server>((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
const portOf = (server: Server) => (server.address() as { port: number }).port;

describe('pnpm lab doctor', () => {
  let taken: Server;
  let broker: Server;
  let free: number;
  let machine: Machine;

  beforeAll(async () => {
    taken = await listening();
    broker = await listening();
    const closed = await listening();
    free = portOf(closed);
    await new Promise((resolve) => closed.close(resolve));
    const defaults: Record<string, ServiceDefaults> = {
      order: { port: portOf(taken), health: 'http', memory: '64m' },
      console: { port: free, health: 'http', memory: '64m' },
    };
    machine = {
      nodeVersion: 'v24.21.0',
      nodeEngines: '>=22.18',
      // RabbitMQ answers; the rest point at a port nothing listens on (whatever this machine runs).
      infra: {
        'kafka.brokers': `127.0.0.1:${free}`,
        'rabbitmq.url': `amqp://guest:guest@127.0.0.1:${portOf(broker)}`,
        'postgres.url': `postgres://postgres@127.0.0.1:${free}/postgres`,
        'redis.url': `redis://127.0.0.1:${free}`,
        'zipkin.url': `http://127.0.0.1:${free}`,
        'prometheus.url': `http://127.0.0.1:${free}`,
      },
      labs: [resolveLab('09-test', { services: { order: {} }, links: [] }, {}, (service) => defaults[service]!)],
      engine: undefined,
      programs: [
        { pkg: 'chromium', by: 'the browser tests', installed: true },
        { pkg: 'haproxy', by: 'services/mesh-sidecar', installed: false },
      ],
    };
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    await new Promise((resolve) => broker.close(resolve));
  });

  it('names a port another program holds as a problem, with the lab and service that need it and how to find who holds it', async () => {
    const findings = await examine(machine);
    expect(findings.filter((f) => f.level === 'problem')).toEqual([
      {
        level: 'problem',
        text: `port ${portOf(taken)} is taken (09-test order needs it)`,
        fix: `something else listens there (ss -ltnp | grep ${portOf(taken)}); stop it or 09-test cannot start`,
      },
    ]);
    expect(findings).toContainEqual({ level: 'ok', text: `port ${free} free (09-test console)` });
  });

  it('only warns about brokers that do not answer, a program not installed yet and a missing container engine: every lab runs natively', async () => {
    const findings = await examine(machine);
    expect(findings).toContainEqual({ level: 'ok', text: `rabbitmq answers on 127.0.0.1:${portOf(broker)}` });
    expect(findings).toContainEqual({ level: 'ok', text: 'chromium installed (the browser tests)' });
    expect(findings.filter((f) => f.level === 'warn').map((f) => f.text)).toEqual([
      `kafka not answering on 127.0.0.1:${free} (pnpm lab up starts or names it when a lab needs it)`,
      `postgres not answering on 127.0.0.1:${free} (pnpm lab up starts or names it when a lab needs it)`,
      `redis not answering on 127.0.0.1:${free} (pnpm lab up starts or names it when a lab needs it)`,
      `zipkin not answering on 127.0.0.1:${free} (pnpm lab up starts or names it when a lab needs it)`,
      `prometheus not answering on 127.0.0.1:${free} (pnpm lab up starts or names it when a lab needs it)`,
      'haproxy is not installed (services/mesh-sidecar): pnpm lab test, up and bench install it as root, else sudo apt-get install haproxy',
      'no running Docker or Podman engine: native runs only (that is fine for every lab)',
    ]);
  });

  it('asks a cluster by its first node when AMQP_URL lists several', async () => {
    const cluster = `amqp://guest:guest@127.0.0.1:${portOf(broker)},amqp://guest:guest@127.0.0.1:${free}`;
    const findings = await examine({ ...machine, infra: { ...machine.infra, 'rabbitmq.url': cluster }, labs: [] });
    expect(findings).toContainEqual({ level: 'ok', text: `rabbitmq answers on 127.0.0.1:${portOf(broker)}` });
  });

  it('calls a Node too old to run the code a problem, one older than 24 worth a warning', async () => {
    const old = await examine({ ...machine, nodeVersion: 'v22.17.1', labs: [] });
    expect(old[0]).toEqual({
      level: 'problem',
      text: 'Node.js v22.17.1 cannot run the labs (>=22.18)',
      fix: 'Node 24 LTS is the target; ./lab fetches it for you',
    });
    const older = await examine({ ...machine, nodeVersion: 'v20.19.0', labs: [] });
    expect(older[0]!.level).toBe('problem');
    const enough = await examine({ ...machine, nodeVersion: 'v22.18.0', labs: [] });
    expect(enough[0]).toEqual({
      level: 'warn',
      text: 'Node.js v22.18.0 runs the labs; they are tested on Node 24 (./lab fetches it)',
    });
  });
});

describe('pnpm lab doctor, for a lab on broker clusters', () => {
  const defaults = (): ServiceDefaults => ({
    port: 0,
    health: 'http',
    memory: '64m',
    brokers: { 'EVENT_BUS=kafka': { KAFKA_BROKERS: '${kafka.brokers}' } },
  });
  const clustered = resolveLab(
    '11-ha',
    { services: { order: { env: { EVENT_BUS: 'kafka', KAFKA_BROKERS: '${kafka-cluster.brokers}' } } }, links: [] },
    {},
    defaults,
  );
  const base: Machine = {
    nodeVersion: 'v24.21.0',
    nodeEngines: '>=22.18',
    infra: nativeInfra({}),
    labs: [clustered],
    engine: 'podman',
    programs: [],
    // As if the cluster ran: its ports are then its own, whoever holds them now.
    clusterRunning: () => true,
  };

  it('states the memory both clusters need beside what the machine has, and warns when it has less', async () => {
    const roomy = await examine({ ...base, memoryAvailable: 8 * 1024 ** 3 });
    expect(roomy).toContainEqual({
      level: 'ok',
      text: 'memory: 8.0 GiB available; the broker clusters take up to 2.0 GiB (measured ~1.3 GiB)',
    });
    const tight = await examine({ ...base, memoryAvailable: 1.5 * 1024 ** 3 });
    expect(tight.filter((f) => f.level === 'warn').map((f) => f.text)).toContain(
      'memory: 1.5 GiB available, and the broker clusters of 11-high-availability take up to 2.0 GiB (measured ~1.3 GiB): close other programs first',
    );
  });

  it('takes a running cluster’s ports as its own, and asks nothing of a lab without clusters', async () => {
    const findings = await examine({ ...base, memoryAvailable: 8 * 1024 ** 3 });
    expect(findings).toContainEqual({ level: 'ok', text: 'Kafka cluster runs (its ports are its own)' });
    const plain = await examine({ ...base, labs: [], memoryAvailable: 1 });
    expect(plain.some((f) => f.text.includes('cluster') || f.text.startsWith('memory'))).toBe(false);
  });
});
