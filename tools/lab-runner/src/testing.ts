import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeInfra } from './infra.ts';
import { guideSteps, matchesStep, type GuideStep } from './guide.ts';
import type { Infra, LabSpec } from './define.ts';
import { parseLabPorts } from './lab-ports.ts';
import { loadLab } from './labs.ts';
import { resetLab } from './reset/reset-lab.ts';
import { labsDir, repoRoot } from './paths.ts';
import { startNative } from './run-lab.ts';
import { allPorts, labAt, type LabAt, type Placement } from './topology.ts';

export { matchesExpected, matchesStep } from './guide.ts';

/** A lab a test drives: where its services are (addr, url, env — e.g. its AMQP_URL and EVENT_NAMESPACE), and more. */
export interface LabUnderTest extends LabAt {
  /** The last lines each service logged (for failure messages). */
  logs(name: string): string[];
  /** Rewrites a command written for the lab's default ports to the ports of this run. */
  onItsPorts(command: string): string;
  /** Stops one service of the lab, as Ctrl-C would; the others keep running. */
  stopService(name: string): Promise<void>;
  /** Starts a stopped service again (same environment and data) and waits until it is ready. */
  startService(name: string): Promise<void>;
  /** Stops one service gracefully and starts it again on the same port and data. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartLabOptions {
  /** Extra environment per service, e.g. { notification: { PUSH_HEARTBEAT_MS: '200' } }. */
  env?: Record<string, Record<string, string>>;
}

/**
 * Starts a lab for an integration test: its real services as processes on free ports,
 * with a fresh data directory, against the real brokers, with broker names (exchanges,
 * queues, topics) under a namespace of their own (EVENT_NAMESPACE), so test runs sharing a
 * broker never see each other's events. With COMMLAB_LAB_TARGET=running the test drives a
 * lab that is already up instead (`pnpm lab up`, or Compose) on its default ports, or on
 * those COMMLAB_LAB_PORTS names.
 */
export async function startLab(id: string, options: StartLabOptions = {}): Promise<LabUnderTest> {
  const lab = await loadLab(id);
  if (process.env.COMMLAB_LAB_TARGET === 'running') {
    if (options.env) throw new Error(`this test sets service settings; run it without COMMLAB_LAB_TARGET=running`);
    const ports = parseLabPorts(lab, process.env.COMMLAB_LAB_PORTS);
    const placement: Placement = { mode: 'native', infra: nativeInfra(), ports };
    const notHere = async () => {
      throw new Error('stopping one service needs a lab the test started itself (unset COMMLAB_LAB_TARGET)');
    };
    return {
      ...labAt(lab, placement),
      logs: () => [],
      onItsPorts: movePorts(lab, ports),
      stopService: notHere,
      startService: notHere,
      restart: notHere,
      stop: async () => {},
    };
  }

  const ports: Record<string, number> = {};
  for (const { key } of allPorts(lab)) ports[key] = await freePort();
  const placement: Placement = { mode: 'native', infra: nativeInfra(), ports };
  const dataDir = mkdtempSync(join(tmpdir(), `commlab-${lab.id}-`));
  const namespace = `commlab-test-${randomBytes(4).toString('hex')}`;
  const logs = new Map<string, string[]>();
  const running = await startNative(lab, {
    placement,
    dataDir,
    logFormat: 'json',
    env: { EVENT_NAMESPACE: namespace },
    ...(options.env && { serviceEnv: options.env }),
    output: (service, line) => {
      const lines = logs.get(service) ?? [];
      lines.push(line);
      if (lines.length > 200) lines.shift();
      logs.set(service, lines);
      if (process.env.COMMLAB_TEST_LOGS) console.log(`${service} │ ${line}`);
    },
  });
  return {
    addr: running.addr,
    url: running.url,
    restart: running.restart,
    logs: (name) => logs.get(name) ?? [],
    env: running.env,
    stopService: running.stopService,
    startService: running.startService,
    onItsPorts: (command) =>
      allPorts(lab).reduce(
        (text, { key, port }) =>
          text.replace(new RegExp(`(localhost|127\\.0\\.0\\.1):${port}\\b`, 'g'), `$1:${ports[key]}`),
        command,
      ),
    stop: async () => {
      await running.stop();
      // What a reader's `pnpm lab reset` does: without it every test run would leave its queues
      // and topics on the shared brokers, hundreds over a day of CI, each slowing the broker.
      const outcomes = await resetLab(withBrokersSwitchedTo(lab, options.env), {
        at: labAt(lab, placement),
        dataDir,
        namespaces: [namespace],
        infra: placement.infra,
      });
      rmSync(dataDir, { recursive: true, force: true });
      for (const { ok, text } of outcomes) if (!ok) console.warn(`lab test clean-up: ${text}`);
    },
  };
}

/** The lab as its test ran it: a test may move services to another broker (EVENT_BUS=kafka). */
function withBrokersSwitchedTo(lab: LabSpec, env: StartLabOptions['env']): LabSpec {
  const switched = Object.values(env ?? {}).flatMap(({ EVENT_BUS }): Infra[] =>
    EVENT_BUS === 'kafka' || EVENT_BUS === 'rabbitmq' ? [EVENT_BUS] : [],
  );
  return { ...lab, infra: [...new Set([...lab.infra, ...switched])] };
}

/** Rewrites local addresses on a service's default port to the port it runs on instead, in one pass. */
function movePorts(lab: LabSpec, ports: Record<string, number>): (command: string) => string {
  const moved = new Map(Object.entries(ports).map(([name, port]) => [String(lab.services[name]!.port), port]));
  if (moved.size === 0) return (command) => command;
  const address = new RegExp(`(localhost|127\\.0\\.0\\.1):(${[...moved.keys()].join('|')})\\b`, 'g');
  return (command) => command.replace(address, (_, host: string, port: string) => `${host}:${moved.get(port)}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The steps of a lab's guide that CI runs (see guide.ts). */
export function guideOf(id: string): GuideStep[] {
  return guideSteps(readFileSync(join(labsDir, id, 'README.md'), 'utf8'));
}

/** Runs one guide step in bash from the repository root: its exit status and its output. */
export function runStep(lab: LabUnderTest, step: GuideStep): { status: number | null; output: string } {
  const once = () => {
    const run = spawnSync('bash', ['-c', lab.onItsPorts(step.command)], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  };
  let result = once();
  // A step marked "eventually" waits for asynchronous delivery, as a reader's slower typing does.
  for (const until = Date.now() + 10_000; step.eventually && !matchesStep(result.output, step) && Date.now() < until;) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    result = once();
  }
  return result;
}
