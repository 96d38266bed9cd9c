import { join } from 'node:path';
import type { LabSpec } from './define.ts';
import { prettyLogs } from './pretty-logs.ts';
import { spawnService, stopAll, waitReady, type RunningService } from './processes.ts';
import { healthTarget, portOf, resolve, serviceEnv, startOrder, type Placement } from './topology.ts';

export interface NativeLab {
  services: RunningService[];
  /** host:port of a service. */
  addr(name: string): string;
  /** http://host:port of a service. */
  url(name: string): string;
  /** A link or text with placeholders, resolved for this run. */
  resolve(text: string): string;
  /** The environment a service was started with. */
  env(name: string): Record<string, string>;
  /** Stops one service (SIGTERM, as on Ctrl-C); the others keep running. */
  stopService(name: string): Promise<void>;
  /** Starts a stopped service again with the same environment and data, once it is ready. */
  startService(name: string): Promise<void>;
  /** Stops one service (SIGTERM, as on a deploy) and starts it again with the same settings. */
  restart(name: string): Promise<void>;
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
  /** Extra environment per service, over the lab's (tests dial limits down with it). */
  serviceEnv?: Record<string, Record<string, string>>;
}

/** Starts a lab's services as local processes, each once what it depends on is ready. */
export async function startNative(lab: LabSpec, options: StartOptions): Promise<NativeLab> {
  const { placement } = options;
  const running = new Map<string, RunningService>();
  const names = startOrder(lab);
  const labelWidth = Math.max(...names.map((n) => n.length));
  // Services always log JSON; pretty lines are formatted here (see pretty-logs.ts for why).
  const pretty =
    (options.logFormat ?? 'pretty') === 'pretty'
      ? prettyLogs(Boolean(process.stdout.isTTY && !process.env.NO_COLOR))
      : undefined;
  const envOf = (name: string) => ({
    ...serviceEnv(lab, name, placement),
    DATA_DIR: join(options.dataDir, name),
    LOG_FORMAT: 'json',
    ...options.env,
    ...options.serviceEnv?.[name],
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
    stopService: async (name) => {
      const service = running.get(known(name));
      if (service) await stopAll([service]);
      running.delete(name);
    },
    startService: async (name) => {
      if (running.has(known(name))) throw new Error(`${name} is already running`);
      await launch(name);
    },
    restart: async (name) => {
      const service = running.get(known(name));
      if (service) await stopAll([service]);
      running.delete(name);
      await launch(name);
    },
    stop: () => stopAll(inStartOrder()),
  };
}
