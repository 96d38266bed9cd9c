import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prepareCertificates } from '../certs.ts';
import type { ServiceControls } from '../controls.ts';
import { clusters, isCluster } from '../clusters.ts';
import type { Lab } from '../define.ts';
import { nativeInfra } from '../infra.ts';
import { ensureFaultsFile } from '../faults.ts';
import { labsDir, runDir } from '../paths.ts';
import { untilReady } from '../readiness.ts';
import { healthTarget, portOf, resolve, serviceEnv, type LabAt, type Placement } from '../topology.ts';
import { hostBrokersFileName, runFile } from './compose-file.ts';
import { containerOf, type Container, type Engine } from './engine.ts';
import { logsOf, memoryOf, type ContainerMemory } from './project.ts';
import { tail } from './run.ts';

export interface ComposeLab extends LabAt, ServiceControls {
  project: string;
  /** From `compose up` until every container was healthy. */
  startupMs: number;
  /** The last lines a service's container logged. */
  logs(name: string): Promise<string[]>;
  /** What each container uses now (`docker stats` / `podman stats`). */
  memory(): Promise<ContainerMemory[]>;
  /** A service's process as this machine sees it (see Container.pid). */
  pid(name: string): Promise<number | undefined>;
  /** Removes the containers (and their files) and the run's override file. */
  stop(): Promise<void>;
}

export interface ComposeStart {
  engine: Engine;
  /** The Compose project's name: one per run, so runs never share containers. */
  project: string;
  /** Where each port of the lab listens (allPorts keys); the containers share the host's network. */
  ports: Record<string, number>;
  /** Added to every service's environment (tests give broker names a unique prefix this way). */
  env?: Record<string, string>;
  /**
   * Only these of the committed file's services (and what they depend on), for a part of a lab
   * (`partOfLab`): the others are never created. Default: the lab's brokers and services — what
   * a reader adds to look at them (lab 14's Grafana) is left out, as nothing here depends on it.
   */
  services?: readonly string[];
  onLine?: (line: string) => void;
}

/**
 * The containers a run of the lab starts: its brokers and services (and what they depend on).
 * A broker cluster is its nodes (kafka-1, controller-1, rabbit-1, ...): the Compose file has
 * no service named after the cluster, and podman-compose 1.0.3 fails on an unknown name
 * (KeyError: 'kafka-cluster'), so lab 11-high-availability never started whole in containers.
 * A dashboard beside them (lab 14's Grafana) is for a reader; no test needs it, and CI could
 * not pull its image.
 */
export function labContainers(lab: Lab): string[] {
  return [
    ...lab.infra.flatMap((infra) => (isCluster(infra) ? clusters[infra].nodes : [infra])),
    ...Object.keys(lab.services),
  ];
}

/**
 * Starts a lab in containers from its committed compose.yaml and compose.host-brokers.yaml (the
 * brokers already running on this machine), plus an override for this run: its ports, its
 * settings, its event bus. Resolves once every container is healthy.
 */
export async function startCompose(lab: Lab, options: ComposeStart): Promise<ComposeLab> {
  const { engine, project, ports } = options;
  const dir = join(labsDir, lab.id);
  await prepareCertificates(lab);
  mkdirSync(join(runDir, 'compose'), { recursive: true });
  // Fault dials: this run's file, at the same path inside the containers as here (the
  // committed file's mount of .run/<lab>/faults must exist too: Podman will not create it).
  const faultsFile = lab.faults ? ensureFaultsFile(lab.id) : undefined;
  if (faultsFile) mkdirSync(join(runDir, lab.id, 'faults'), { recursive: true });
  const faults = faultsFile && dirname(faultsFile);
  const env = { ...options.env, ...(faultsFile && { FAULTS_FILE: faultsFile }) };
  const override = join(runDir, 'compose', `${project}.yaml`);
  writeFileSync(override, runFile(lab, ports, env, faults ? [`${faults}:${faults}`] : []));
  const files = [join(dir, 'compose.yaml'), join(dir, hostBrokersFileName), override];
  const down = async () => {
    const ran = await engine.down(project, files);
    rmSync(override, { force: true });
    if (ran.code !== 0) throw new Error(`${lab.id}: compose down of ${project} failed:\n${tail(ran.output)}`);
  };

  // On the host's network, as the override puts them: addresses are the native ones.
  const placement: Placement = { mode: 'native', infra: nativeInfra({}), ports };
  const target = (name: string) => healthTarget(lab.services[name]!, '127.0.0.1', portOf(lab, name, placement));
  const started = Date.now();
  const up = await engine.upHealthy(project, files, {
    ...(options.onLine && { onLine: options.onLine }),
    services: options.services ?? labContainers(lab),
    settled: async () =>
      void (await Promise.all(Object.keys(lab.services).map((name) => untilReady(target(name), 90_000)))),
  });
  if (up.code !== 0) {
    const logs = await logsOf(engine, project);
    await down().catch(() => {});
    throw new Error(`${lab.id}: the containers did not all become healthy:\n${tail(up.output)}\n${logs}`);
  }
  const startupMs = Date.now() - started;
  const containers = new Map<string, Container>();
  const container = async (name: string) => {
    if (!lab.services[name]) throw new Error(`lab ${lab.id} has no service ${name}`);
    let found = containers.get(name);
    if (!found) containers.set(name, (found = await containerOf(engine, project, name)));
    return found;
  };
  const paused = new Set<string>();
  const ready = async (name: string) => {
    try {
      await untilReady(target(name), 90_000);
    } catch (err) {
      const logs = await (await container(name)).logs(20).catch(() => []);
      throw new Error(`${name} was ${(err as Error).message}\n${logs.join('\n')}`, { cause: err });
    }
  };
  const stopService = async (name: string) => {
    // A frozen container handles the stop signal only once thawed (podman refuses to stop it).
    if (paused.delete(name)) await (await container(name)).unpause();
    await (await container(name)).stop();
  };

  return {
    project,
    startupMs,
    addr: (name) => resolve(lab, `\${${name}.addr}`, placement),
    url: (name) => resolve(lab, `\${${name}.url}`, placement),
    env: (name) => ({ ...serviceEnv(lab, name, placement), LOG_FORMAT: 'json', ...env }),
    resolve: (text) => resolve(lab, text, placement),
    logs: async (name) => {
      const found = await container(name);
      const state = await found.state();
      return [...(await found.logs(200)), ...(state === 'running' ? [] : [`[${name} is ${state}]`])];
    },
    memory: () => memoryOf(engine, project),
    pid: async (name) => (await container(name)).pid(),
    stopService,
    killService: async (name) => {
      paused.delete(name);
      await (await container(name)).kill();
    },
    startService: async (name) => {
      await (await container(name)).start();
      await ready(name);
    },
    restartService: async (name) => {
      await stopService(name);
      await (await container(name)).start();
      await ready(name);
    },
    pauseService: async (name) => {
      await (await container(name)).pause();
      paused.add(name);
    },
    resumeService: async (name) => {
      if (paused.delete(name)) await (await container(name)).unpause();
    },
    stop: down,
  };
}
