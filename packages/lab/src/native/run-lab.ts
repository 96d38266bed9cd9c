import { join } from 'node:path';
import type { Lab } from '../define.ts';
import { prepareCertificates } from '../certs.ts';
import type { ServiceControls } from '../controls.ts';
import { ensureFaultsFile, faultsFileOf } from '../faults.ts';
import { prettyLogs } from './pretty-logs.ts';
import { spawnService, stopAll, waitReady, type RunningService } from './processes.ts';
import { healthTarget, portOf, resolve, serviceEnv, startOrder, type Placement } from '../topology.ts';

export interface NativeLab extends ServiceControls {
  services: RunningService[];
  /** host:port of a service. */
  addr(name: string): string;
  /** http://host:port of a service. */
  url(name: string): string;
  /** A link or text with placeholders, resolved for this run. */
  resolve(text: string): string;
  /** The environment a service was started with. */
  env(name: string): Record<string, string>;
  /** A running service's process id. */
  pid(name: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface StartOptions {
  placement: Placement;
  /** Each service keeps its files (e.g. the order SQLite database) under dataDir/<service>. */
  dataDir: string;
  logFormat?: 'pretty' | 'json';
  /** Added to every service's environment (tests give broker names a unique prefix this way). */
  env?: Record<string, string>;
  output?: (service: string, line: string) => void;
  onReady?: (service: string, target: string, ms: number) => void;
}

/** Starts a lab's services as local processes, each once what it depends on is ready. */
export async function startNative(lab: Lab, options: StartOptions): Promise<NativeLab> {
  const { placement } = options;
  await prepareCertificates(lab);
  const running = new Map<string, RunningService>();
  const names = startOrder(lab);
  const labelWidth = Math.max(...names.map((n) => n.length));
  // Services always log JSON; pretty lines are formatted here (see pretty-logs.ts for why).
  const pretty =
    (options.logFormat ?? 'pretty') === 'pretty'
      ? prettyLogs(Boolean(process.stdout.isTTY && !process.env.NO_COLOR))
      : undefined;
  if (lab.faults) ensureFaultsFile(lab.id);
  const envOf = (name: string) => ({
    ...serviceEnv(lab, name, placement),
    // A replica keeps its data with the service it replicates: one store for both.
    DATA_DIR: join(options.dataDir, lab.services[name]!.replicaOf ?? name),
    ...(lab.faults && { FAULTS_FILE: faultsFileOf(lab.id) }),
    LOG_FORMAT: 'json',
    ...options.env,
  });

  const launch = async (name: string) => {
    const spec = lab.services[name]!;
    const started = Date.now();
    const service = spawnService({
      name,
      service: spec.service,
      index: names.indexOf(name),
      labelWidth,
      env: envOf(name),
      ...(options.output && { output: (line: string) => options.output!(name, line) }),
      ...(pretty && { format: pretty }),
    });
    running.set(name, service);
    const target = healthTarget(spec, '127.0.0.1', portOf(lab, name, placement));
    await waitReady(service, target);
    options.onReady?.(name, target, Date.now() - started);
  };
  // Map order is start order, also after a restart: stopAll stops callers before what they call.
  const inStartOrder = () => names.flatMap((name) => running.get(name) ?? []);

  try {
    for (const name of names) await launch(name);
  } catch (err) {
    await stopAll(inStartOrder());
    throw err;
  }
  const known = (name: string) => {
    if (!lab.services[name]) throw new Error(`lab ${lab.id} has no service ${name}`);
    return name;
  };
  return {
    get services() {
      return inStartOrder();
    },
    addr: (name) => resolve(lab, `\${${name}.addr}`, placement),
    url: (name) => resolve(lab, `\${${name}.url}`, placement),
    resolve: (text) => resolve(lab, text, placement),
    env: (name) => envOf(known(name)),
    pid: async (name) => running.get(known(name))?.child.pid,
    stopService: async (name) => {
      const service = running.get(known(name));
      if (service) await stopAll([service]);
      running.delete(name);
    },
    killService: async (name) => {
      const service = running.get(known(name));
      if (!service) return;
      service.child.kill('SIGKILL');
      await service.exited;
      running.delete(name);
    },
    startService: async (name) => {
      if (running.has(known(name))) throw new Error(`${name} is already running`);
      await launch(name);
    },
    restartService: async (name) => {
      const service = running.get(known(name));
      if (service) await stopAll([service]);
      running.delete(name);
      await launch(name);
    },
    pauseService: async (name) => {
      const service = running.get(known(name));
      if (!service) throw new Error(`${name} is not running`);
      service.child.kill('SIGSTOP');
    },
    resumeService: async (name) => {
      running.get(known(name))?.child.kill('SIGCONT');
    },
    stop: () => stopAll(inStartOrder()),
  };
}
