import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@commlab/testkit';
import { engineFromEnv } from '../compose/engine.ts';
import { startCompose } from '../compose/run-lab.ts';
import type { ServiceControls } from '../controls.ts';
import type { Lab, RunOptions } from '../define.ts';
import { nativeInfra } from '../infra.ts';
import { parseLabPorts } from '../lab-ports.ts';
import { loadLab } from '../labs.ts';
import { startNative } from '../native/run-lab.ts';
import { labsDir, repoRoot } from '../paths.ts';
import { resetLab } from '../reset/reset-lab.ts';
import { allPorts, labAt, partOfLab, type InfraEndpoints, type LabAt, type Placement } from '../topology.ts';
import { guideSteps, matchesStep, type GuideStep } from './guide.ts';

/** Where lab tests run the lab (COMMLAB_LAB_TARGET). */
export type LabTarget = 'native' | 'compose' | 'running';

/** A lab a test drives: where its services are (addr, url, env — e.g. its AMQP_URL and EVENT_NAMESPACE), and more. */
export interface LabUnderTest extends LabAt, ServiceControls {
  target: LabTarget;
  /** The lab's services (the console included), in the order lab.ts lists them. */
  serviceNames: string[];
  /** The last lines each service logged (for assertions and failure messages). */
  logs(name: string): Promise<string[]>;
  /**
   * The id, on this machine, of the process a service runs as (for CPU accounting): natively its
   * own; in containers the container's service process as the host sees it (Linux); undefined
   * when there is none to see (a lab started elsewhere, a container engine in a VM).
   */
  pid(name: string): Promise<number | undefined>;
  /** Rewrites a command written for the lab's default ports to the ports of this run. */
  onItsPorts(command: string): string;
  /** Stops the lab and deletes what it left: its data, and its queues, exchanges and topics. */
  stop(): Promise<void>;
}

/** What a test file (or `pnpm lab bench`) changes about its lab: another event bus, settings per service, and more. */
export interface StartLabOptions extends RunOptions {
  /** Only these services and those their settings name (`partOfLab`); default: the whole lab, console included. */
  services?: string[];
  /** Where to run it; default: COMMLAB_LAB_TARGET's choice. */
  target?: LabTarget;
  /**
   * Each line a service logs, as it logs it, when it runs as a process here (in containers read
   * `logs`; a lab started elsewhere logs where it was started).
   */
  output?: (service: string, line: string) => void;
}

export function labTarget(env: NodeJS.ProcessEnv = process.env): LabTarget {
  const target = env.COMMLAB_LAB_TARGET || 'native';
  if (target !== 'native' && target !== 'compose' && target !== 'running') {
    throw new Error(`COMMLAB_LAB_TARGET is "${target}"; use native (the default), compose or running`);
  }
  return target;
}

/**
 * Starts a lab for an integration test, with this file's settings, on free ports and with broker
 * names (exchanges, queues, topics) under a namespace of its own (EVENT_NAMESPACE), so runs
 * sharing a broker never see each other's events; against the real brokers. Where it runs is
 * COMMLAB_LAB_TARGET's choice, and the test reads the same either way:
 *   native (default) — the services as processes, with a fresh data directory;
 *   compose          — the lab's Compose file in containers (Docker or Podman, as
 *                      COMMLAB_CONTAINER_ENGINE says), one project per run: the Compose check;
 *   running          — a lab that is already up (`pnpm lab up`, or Compose) on its default ports
 *                      or those COMMLAB_LAB_PORTS names; it cannot be broken or reconfigured.
 */
export async function startLab(id: string, options: StartLabOptions = {}): Promise<LabUnderTest> {
  const target = options.target ?? labTarget();
  const whole = await loadLab(id, options);
  const lab = options.services ? partOfLab(whole, options.services) : whole;
  if (target === 'running') return alreadyRunning(lab, options);

  const ports: Record<string, number> = {};
  for (const { key } of allPorts(lab)) ports[key] = await freePort();
  const namespace = `commlab-test-${randomBytes(4).toString('hex')}`;
  const onItsPorts = movePorts(lab, ports);

  if (target === 'compose') {
    const project = `commlab-test-${lab.id}-${randomBytes(3).toString('hex')}`;
    report({ event: 'starting', lab: lab.id, project });
    const running = await startCompose(lab, {
      engine: engineFromEnv(),
      project,
      ports,
      env: { EVENT_NAMESPACE: namespace },
      ...(options.services && { services: Object.keys(lab.services) }),
    });
    const infra = nativeInfra({});
    return {
      ...running,
      target,
      serviceNames: Object.keys(lab.services),
      onItsPorts,
      stop: async () => {
        const memory = await running.memory().catch(() => []);
        await running.stop();
        report({ event: 'stopped', lab: lab.id, project, startupMs: running.startupMs, memory });
        await cleanUp(lab, { at: labAt(lab, { mode: 'native', infra, ports }), namespace, infra });
      },
    };
  }

  const infra = nativeInfra();
  const placement: Placement = { mode: 'native', infra, ports };
  const dataDir = mkdtempSync(join(tmpdir(), `commlab-${lab.id}-`));
  const logs = new Map<string, string[]>();
  const running = await startNative(lab, {
    placement,
    dataDir,
    logFormat: 'json',
    env: { EVENT_NAMESPACE: namespace },
    output: (service, line) => {
      const lines = logs.get(service) ?? [];
      lines.push(line);
      if (lines.length > 200) lines.shift();
      logs.set(service, lines);
      options.output?.(service, line);
      if (process.env.COMMLAB_TEST_LOGS) console.log(`${service} │ ${line}`);
    },
  });
  return {
    ...running,
    target,
    serviceNames: Object.keys(lab.services),
    logs: async (name) => [...(logs.get(name) ?? [])],
    onItsPorts,
    stop: async () => {
      await running.stop();
      await cleanUp(lab, { at: labAt(lab, placement), namespace, infra, dataDir });
    },
  };
}

/**
 * What a reader's `pnpm lab reset` does: without it every test run would leave its queues and
 * topics on the shared brokers, hundreds over a day of CI, each slowing the broker. The lab is
 * the one this run resolved, so the brokers of a test's own event bus are emptied too.
 */
async function cleanUp(
  lab: Lab,
  { at, namespace, infra, dataDir }: { at: LabAt; namespace: string; infra: InfraEndpoints; dataDir?: string },
): Promise<void> {
  const outcomes = await resetLab(lab, { at, namespaces: [namespace], infra, ...(dataDir && { dataDir }) });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  for (const { ok, text } of outcomes) if (!ok) console.warn(`lab test clean-up: ${text}`);
}

/** A lab someone started (COMMLAB_LAB_TARGET=running): read it, never change it. */
function alreadyRunning(lab: Lab, options: StartLabOptions): LabUnderTest {
  if (options.env || options.eventBus) {
    throw new Error(`this test sets its lab's settings; run it without COMMLAB_LAB_TARGET=running`);
  }
  const ports = parseLabPorts(lab, process.env.COMMLAB_LAB_PORTS);
  const placement: Placement = { mode: 'native', infra: nativeInfra(), ports };
  const notHere = async () => {
    throw new Error('breaking a service needs a lab the test started itself (unset COMMLAB_LAB_TARGET=running)');
  };
  return {
    ...labAt(lab, placement),
    target: 'running',
    serviceNames: Object.keys(lab.services),
    logs: async () => [],
    pid: async () => undefined,
    onItsPorts: movePorts(lab, ports),
    stopService: notHere,
    killService: notHere,
    startService: notHere,
    restartService: notHere,
    pauseService: notHere,
    resumeService: notHere,
    stop: async () => {},
  };
}

/**
 * Each start of a lab in containers, and what it cost, for the Compose check (which names the
 * file in COMMLAB_COMPOSE_REPORT): its summary, and its look for containers left behind.
 */
function report(entry: object): void {
  const file = process.env.COMMLAB_COMPOSE_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** Rewrites local addresses on a service's default port to the port it runs on instead, in one pass. */
function movePorts(lab: Lab, ports: Record<string, number>): (command: string) => string {
  const moved = new Map(
    allPorts(lab)
      .filter(({ key }) => ports[key] !== undefined)
      .map(({ key, port }) => [String(port), ports[key]!]),
  );
  if (moved.size === 0) return (command) => command;
  const address = new RegExp(`(localhost|127\\.0\\.0\\.1):(${[...moved.keys()].join('|')})\\b`, 'g');
  return (command) => command.replace(address, (_, host: string, port: string) => `${host}:${moved.get(port)}`);
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
