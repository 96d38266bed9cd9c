import { join } from 'node:path';
import type { LabSpec } from './define.ts';
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
  /** Stops one service (SIGTERM, as on a deploy) and starts it again with the same settings. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  placement: Placement;
  /** Each service keeps its files (e.g. the order SQLite database) under dataDir/<service>. */
  dataDir: string;
  logFormat?: 'pretty' | 'json';
  output?: (service: string, line: string) => void;
  onReady?: (service: string, target: string, ms: number) => void;
  /** Extra environment per service, over the lab's (tests dial limits down with it). */
  env?: Record<string, Record<string, string>>;
}

/** Starts a lab's services as local processes, each once what it depends on is ready. */
export async function startNative(lab: LabSpec, options: StartOptions): Promise<NativeLab> {
  const { placement } = options;
  const running: RunningService[] = [];
  const names = startOrder(lab);
  const labelWidth = Math.max(...names.map((n) => n.length));
  const start = async (name: string): Promise<RunningService> => {
    const spec = lab.services[name]!;
    const started = Date.now();
    const service = spawnService({
      name,
      service: spec.service,
      index: names.indexOf(name),
      labelWidth,
      env: {
        ...serviceEnv(lab, name, placement),
        DATA_DIR: join(options.dataDir, name),
        LOG_FORMAT: options.logFormat ?? 'pretty',
        ...(process.stdout.isTTY && !process.env.NO_COLOR && { FORCE_COLOR: '1' }),
        ...options.env?.[name],
      },
      ...(options.output && { output: (line: string) => options.output!(name, line) }),
    });
    running.push(service);
    const target = healthTarget(spec, '127.0.0.1', portOf(lab, name, placement));
    await waitReady(service, target);
    options.onReady?.(name, target, Date.now() - started);
    return service;
  };
  try {
    for (const name of names) await start(name);
  } catch (err) {
    await stopAll(running);
    throw err;
  }
  return {
    services: running,
    addr: (name) => resolve(lab, `\${${name}.addr}`, placement),
    url: (name) => resolve(lab, `\${${name}.url}`, placement),
    resolve: (text) => resolve(lab, text, placement),
    restart: async (name) => {
      const old = running.find((service) => service.name === name);
      if (!old) throw new Error(`lab ${lab.id} runs no service ${name}`);
      await stopAll([old]);
      running.splice(running.indexOf(old), 1);
      await start(name);
    },
    stop: () => stopAll(running),
  };
}
